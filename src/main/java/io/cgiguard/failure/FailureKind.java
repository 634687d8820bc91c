package io.cgiguard.failure;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every way a CGI exchange can fail, by the point where it failed. The lower-case label is the
 * contract: it appears in {@code X-Cgiguard-Failure}, in metrics and in JSON.
 */
public enum FailureKind {
  /** The program could not be started (errno on the evidence). */
  SPAWN_FAILED(502, Stage.ATTEMPT, "The gateway could not start the CGI program."),
  /** The script exited with stdout closed before a complete header block. */
  EXITED_BEFORE_HEADERS(502, Stage.HEADERS,
      "The CGI program exited before it finished its response headers."),
  /** The script was killed by a signal before a complete header block. */
  KILLED_BEFORE_HEADERS(502, Stage.HEADERS,
      "The CGI program was killed by a signal before it finished its response headers."),
  /** stdout ended (the script lives on or its exit was not seen) before the blank line. */
  INCOMPLETE_HEADERS(502, Stage.HEADERS,
      "The CGI program closed its output before it finished its response headers."),
  /** The header block is not valid CGI. */
  MALFORMED_HEADERS(502, Stage.HEADERS, "The CGI program's response headers are not valid."),
  /** The header block grew past the limit. */
  HEADERS_TOO_LARGE(502, Stage.HEADERS, "The CGI program's response headers are too large."),
  /** No complete header block within the header timeout. */
  HEADER_TIMEOUT(504, Stage.HEADERS,
      "The CGI program did not send its response headers within the time allowed."),
  /**
   * A valid header block that the gateway could not put on the wire (its HTTP form outgrew the
   * response head buffer); decided before anything was sent.
   */
  HEADERS_UNRELAYABLE(502, Stage.RELAY,
      "The gateway could not relay the CGI program's response headers."),
  /** The body ended before the script's Content-Length, or the script died mid-body. */
  BODY_TRUNCATED(502, Stage.BODY, "The CGI program's response ended early."),
  /** No body output within the body idle timeout, or the total run time passed. */
  BODY_STALLED(504, Stage.BODY, "The CGI program stopped sending its response."),
  /** The gateway is saturated: no slot within the queue wait. */
  OVERLOADED(503, Stage.ADMISSION,
      "The gateway is running as many CGI programs as it may; try again later."),
  /** The script's circuit is open. */
  CIRCUIT_OPEN(503, Stage.ADMISSION,
      "This CGI program has been failing, so the gateway is not running it for a while.");

  /** Where in the exchange a kind of failure happens; its facts follow from it. */
  private enum Stage {
    /** Before any attempt: the gateway refused to start one. */
    ADMISSION,
    /** Starting the program. */
    ATTEMPT,
    /** Between start and a complete header block. */
    HEADERS,
    /** Turning a complete header block into the response head, before anything is sent. */
    RELAY,
    /** After the response head went to the client. */
    BODY
  }

  private final int status;
  private final Stage stage;
  private final String description;

  FailureKind(int status, Stage stage, String description) {
    this.status = status;
    this.stage = stage;
    this.description = description;
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
    return stage != Stage.BODY;
  }

  /**
   * @return whether another attempt of the same script might not fail this way: true for every
   *     failure of an attempt before its header block was relayed (whether a given failure is
   *     retried is still the retry policy's decision); false for refusals, which no attempt
   *     caused, and for failures after the head was sent, which cannot be answered again
   */
  public boolean retryCanCure() {
    return stage == Stage.ATTEMPT || stage == Stage.HEADERS;
  }

  /**
   * @return whether the script failed to deliver a header block the gateway could relay: the
   *     failures IIS reports as "did not return a complete set of HTTP headers"
   */
  public boolean headerFailure() {
    return stage == Stage.HEADERS;
  }

  /** @return one sentence about the kind, for any client: nothing from the script or request */
  public String description() {
    return description;
  }

  /** @return the lower-case, hyphenated label, such as {@code exited-before-headers} */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** @return the labels of the kinds a retry can cure, in declaration order */
  public static List<String> retryCurableLabels() {
    return Arrays.stream(values()).filter(FailureKind::retryCanCure).map(FailureKind::label)
        .toList();
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
