package io.cgiguard.http;

import io.cgiguard.admission.RequestBody;
import io.cgiguard.attempt.BodySource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The request body as the attempt loop sees it. A body that may be replayed and fits the replay
 * buffer is read whole first; any other body is streamed to the first attempt's stdin as it
 * arrives, never held in memory. A chunked body reaches the script with CONTENT_LENGTH unset and
 * its stdin ending where the body ends, as Apache does.
 */
final class RequestBodies {

  private RequestBodies() {}

  /** A streamed body that counts what it passed and stops past the size limit. */
  static final class Streamed implements BodySource {
    private final InputStream in;
    private final long maxBytes;
    private volatile boolean tooLarge;

    Streamed(InputStream in, long maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    @Override
    public RequestBody replay() {
      return RequestBody.STREAMED;
    }

    /** @return whether the body grew past the limit (only a chunked body can) */
    boolean tooLarge() {
      return tooLarge;
    }

    @Override
    public void writeTo(OutputStream stdin) throws IOException {
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      boolean scriptListens = true;
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        total += n;
        if (total > maxBytes) {
          tooLarge = true;
          throw new IOException("the request body is larger than " + maxBytes + " bytes");
        }
        if (scriptListens) {
          try {
            stdin.write(buffer, 0, n);
          } catch (IOException scriptClosedStdin) {
            // The script does not want the rest of its stdin; keep reading the request so the
            // connection stays usable, but write no more.
            scriptListens = false;
          }
        }
      }
    }
  }

  /** @return whether the request carries a body at all */
  static boolean hasBody(Request request) {
    long length = request.getLength();
    return length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
  }

  /**
   * @param replayable whether a retry of this request could use its body
   * @param replayBytes the replay buffer's size
   * @param maxBytes the largest body accepted
   */
  static BodySource of(Request request, boolean replayable, int replayBytes, long maxBytes)
      throws IOException {
    if (!hasBody(request)) {
      return BodySource.NONE;
    }
    InputStream in = Content.Source.asInputStream(request);
    long length = request.getLength();
    if (replayable && length >= 0 && length <= replayBytes) {
      return BodySource.of(in.readNBytes((int) length));
    }
    return new Streamed(in, maxBytes);
  }
}
