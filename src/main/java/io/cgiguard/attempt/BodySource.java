package io.cgiguard.attempt;

import io.cgiguard.admission.RequestBody;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The request body as an attempt sees it: written to the script's stdin on a pump thread, while
 * the attempt loop reads stdout, so that a script which never reads its stdin cannot stall the
 * gateway (the Apache CVE-2014-0231 shape).
 */
public interface BodySource {

  /** @return whether a second attempt can be given the same body */
  RequestBody replay();

  /**
   * Writes the body to {@code stdin}. Called once per attempt; a {@link RequestBody#STREAMED}
   * body can only be written once.
   *
   * @throws IOException when the request side fails (the client went away, the body was too
   *     large); a failure to write to the script is not reported here: the script may simply not
   *     want its stdin
   */
  void writeTo(OutputStream stdin) throws IOException;

  /**
   * @return why the body could not be had from the client (malformed framing, cut short, larger
   *     than allowed), once {@link #writeTo} has failed for that reason; set before the failure
   *     is thrown, so before the script is stopped for it. Such a failure is the client's, never
   *     the script's: it is not retried and its circuit does not hear of it.
   */
  default Optional<String> requestFailure() {
    return Optional.empty();
  }

  /** @return a body held whole in memory, which any number of attempts can be given */
  static BodySource of(byte[] bytes) {
    byte[] body = bytes.clone();
    return new BodySource() {
      @Override
      public RequestBody replay() {
        return RequestBody.BUFFERED;
      }

      @Override
      public void writeTo(OutputStream stdin) {
        try {
          stdin.write(body);
        } catch (IOException scriptClosedStdin) {
          // The script exited or closed stdin without reading its body: its choice.
        }
      }
    };
  }

  /** No body at all. */
  BodySource NONE = new BodySource() {
    @Override
    public RequestBody replay() {
      return RequestBody.NONE;
    }

    @Override
    public void writeTo(OutputStream stdin) {}
  };
}
