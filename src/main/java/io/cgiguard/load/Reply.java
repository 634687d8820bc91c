package io.cgiguard.load;

import java.util.Collections;
import java.util.Map;

/**
 * What came back for one request, as the transport saw it, before any judgement of success.
 * {@link ReplyClassifier} turns it into a category.
 */
public sealed interface Reply {

  /**
   * A status line and headers arrived.
   *
   * @param status the status code
   * @param headers the header fields, names in lower case; a repeated field keeps its last value
   * @param body the first bytes of the body (at most the connection's retain limit)
   * @param bodyComplete false when the connection ended before the announced Content-Length or
   *     before the last chunk
   */
  record Answered(int status, Map<String, String> headers, byte[] body, boolean bodyComplete)
      implements Reply {
    public Answered {
      // The parser hands over a fresh map per response and never touches it again, so a view
      // is enough; a copy would hash every field of every response once more.
      headers = Collections.unmodifiableMap(headers);
    }
  }

  /** The server closed the connection (or reset it) without sending a single byte. */
  record Empty() implements Reply {}

  /** Bytes arrived that are not an HTTP/1.x response. */
  record Malformed(String reason) implements Reply {}

  /** No connection could be made. */
  record ConnectFailed(String reason) implements Reply {}

  /** The request timeout passed before the response was complete. */
  record TimedOut() implements Reply {}
}
