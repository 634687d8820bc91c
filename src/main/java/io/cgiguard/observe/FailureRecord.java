package io.cgiguard.observe;

import java.time.Instant;
import java.util.Objects;

/**
 * One failed request as the status page remembers it: what was asked, which script failed and
 * how, what the gateway concluded, and the script's own last words on stderr. Every string except
 * {@code kind} may come from outside (the client's URL, the script's stderr) and is rendered
 * escaped.
 *
 * <p>Absent strings become empty ones so that renderers never meet {@code null}; the stderr tail
 * is cut to its last {@value #MAX_STDERR_TAIL_CHARS} characters so that a ring of records has a
 * known size whatever the launcher kept.
 *
 * @param at when the request ended
 * @param requestId the value of {@code X-Request-Id}
 * @param method the request method (RFC 3875 REQUEST_METHOD)
 * @param path the URL path as requested, without the query
 * @param script the script's name (RFC 3875 SCRIPT_NAME)
 * @param kind the failure kind label, such as {@code exited-before-headers}
 * @param status the status the gateway answered with, or 0 if it could only abort the connection
 * @param attempts how many times the script was run for this request
 * @param summary one line saying what happened, such as "exited with status 2 after 41 bytes"
 * @param causeTitle the diagnosis, such as "The script wrote its body before a blank line"
 * @param causeFix what to change so that it does not happen again
 * @param stderrTail the end of what the script wrote to stderr, possibly empty
 * @param exit how the script ended, such as "exit 2" or "SIGSEGV (core not dumped)"
 */
public record FailureRecord(
    Instant at,
    String requestId,
    String method,
    String path,
    String script,
    String kind,
    int status,
    int attempts,
    String summary,
    String causeTitle,
    String causeFix,
    String stderrTail,
    String exit) {

  /** The longest stderr tail a record keeps, in characters. */
  public static final int MAX_STDERR_TAIL_CHARS = 4096;

  public FailureRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    requestId = orEmpty(requestId);
    method = orEmpty(method);
    path = orEmpty(path);
    script = orEmpty(script);
    summary = orEmpty(summary);
    causeTitle = orEmpty(causeTitle);
    causeFix = orEmpty(causeFix);
    stderrTail = tail(orEmpty(stderrTail));
    exit = orEmpty(exit);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private static String tail(String text) {
    if (text.length() <= MAX_STDERR_TAIL_CHARS) {
      return text;
    }
    int start = text.length() - MAX_STDERR_TAIL_CHARS;
    // Never start on the low half of a surrogate pair: it would render as a replacement character.
    if (Character.isLowSurrogate(text.charAt(start))) {
      start++;
    }
    return text.substring(start);
  }
}
