package io.cgiguard.failure;

import java.util.Locale;

/**
 * Every way a CGI exchange can fail, by the point where it failed. The lower-case label is the
 * contract: it appears in {@code X-Cgiguard-Failure}, in metrics and in JSON.
 */
public enum FailureKind {
  /** The program could not be started (errno on the evidence). */
  SPAWN_FAILED(502, true),
  /** The script exited with stdout closed before a complete header block. */
  EXITED_BEFORE_HEADERS(502, true),
  /** The script was killed by a signal before a complete header block. */
  KILLED_BEFORE_HEADERS(502, true),
  /** stdout ended (the script lives on or its exit was not seen) before the blank line. */
  INCOMPLETE_HEADERS(502, true),
  /** The header block is not valid CGI. */
  MALFORMED_HEADERS(502, true),
  /** The header block grew past the limit. */
  HEADERS_TOO_LARGE(502, true),
  /** No complete header block within the header timeout. */
  HEADER_TIMEOUT(504, true),
  /** The body ended before the script's Content-Length, or the script died mid-body. */
  BODY_TRUNCATED(502, false),
  /** No body output within the body idle timeout, or the total run time passed. */
  BODY_STALLED(504, false),
  /** The gateway is saturated: no slot within the queue wait. */
  OVERLOADED(503, true),
  /** The script's circuit is open. */
  CIRCUIT_OPEN(503, true);

  private final int status;
  private final boolean beforeHeaders;

  FailureKind(int status, boolean beforeHeaders) {
    this.status = status;
    this.beforeHeaders = beforeHeaders;
  }

  /** @return the status the gateway answers with when this failure reaches the client unsent */
  public int status() {
    return status;
  }

  /**
   * @return whether this failure happens before the response head is relayed, so that the client
   *     can still be told with a diagnostic page; the others can only end the connection
   */
  public boolean beforeHeaders() {
    return beforeHeaders;
  }

  /** @return the lower-case, hyphenated label, such as {@code exited-before-headers} */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** @return the kind with this label */
  public static FailureKind fromLabel(String label) {
    for (FailureKind kind : values()) {
      if (kind.label().equals(label)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("no failure kind '" + label + "'");
  }
}
