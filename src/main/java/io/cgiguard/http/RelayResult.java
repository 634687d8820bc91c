package io.cgiguard.http;

import io.cgiguard.failure.FailureKind;
import java.util.Optional;

/**
 * How relaying a script's body to the client ended.
 *
 * @param end the way it ended
 * @param bodyBytes body bytes written to the client
 * @param detail a sentence for the log when it did not complete
 * @param lastWritten whether the body already went out as the response's last write, so that
 *     completing the response has nothing left to send
 */
record RelayResult(End end, long bodyBytes, String detail, boolean lastWritten) {

  RelayResult(End end, long bodyBytes, String detail) {
    this(end, bodyBytes, detail, false);
  }

  enum End {
    /** The whole body reached the client. */
    COMPLETE,
    /** The body ended before the script's Content-Length, or the script died mid-body. */
    TRUNCATED,
    /** No output within the body idle timeout, or the total run time passed. */
    STALLED,
    /** The client went away; not the script's fault. */
    CLIENT_GONE,
    /**
     * The declared body reached the client, but the script wrote more than its Content-Length;
     * the excess was cut and the connection must close so nothing can follow on it.
     */
    OVERLONG,
    /**
     * The request body could not be had from the client (malformed, cut short, too large) and the
     * script was stopped for it; not the script's fault, and not a complete answer.
     */
    REQUEST_FAILED
  }

  /** @return the failure kind the client saw, if the relay failed because of the script */
  Optional<FailureKind> failure() {
    return switch (end) {
      case TRUNCATED -> Optional.of(FailureKind.BODY_TRUNCATED);
      case STALLED -> Optional.of(FailureKind.BODY_STALLED);
      default -> Optional.empty();
    };
  }
}
