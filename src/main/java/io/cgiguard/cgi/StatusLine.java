package io.cgiguard.cgi;

/**
 * The two ways a script states its HTTP status: the CGI {@code Status} field (RFC 3875 section
 * 6.3.3, {@code Status: 404 Not Found}) and, for a non-parsed-header script, the HTTP status line
 * it writes itself (section 5, {@code HTTP/1.1 404 Not Found}).
 *
 * @param code the status code, 200 to 599
 * @param reason the reason phrase, possibly empty
 */
record StatusLine(int code, String reason) {

  /** The lowest status a script may send: 1xx responses are the server's business. */
  static final int MIN_CODE = 200;

  static final int MAX_CODE = 599;

  /** Outcome of parsing: a status line, or why there is none. */
  sealed interface Parsed permits Valid, Invalid {}

  record Valid(StatusLine line) implements Parsed {}

  record Invalid(String reason) implements Parsed {}

  /** Parses the value of a {@code Status} field: {@code NNN} or {@code NNN reason}. */
  static Parsed parseStatusField(String value) {
    return parseCodeAndReason(value, "Status");
  }

  /** Parses an NPH script's first line: {@code HTTP/1.x NNN [reason]}. */
  static Parsed parseNphLine(String line) {
    if (line.length() < 9
        || !line.startsWith("HTTP/1.")
        || !Character.isDigit(line.charAt(7))
        || line.charAt(8) != ' ') {
      return new Invalid("an NPH script must start with an HTTP/1.x status line");
    }
    return parseCodeAndReason(line.substring(9), "the NPH status line");
  }

  private static Parsed parseCodeAndReason(String text, String what) {
    if (text.length() < 3 || !isDigits(text, 3) || (text.length() > 3 && text.charAt(3) != ' ')) {
      return new Invalid(what + " must be a three-digit code optionally followed by a space and"
          + " a reason phrase");
    }
    int code = Integer.parseInt(text.substring(0, 3));
    if (code < MIN_CODE || code > MAX_CODE) {
      return new Invalid(what + " code " + code + " is outside " + MIN_CODE + ".." + MAX_CODE);
    }
    String reason = text.length() > 3 ? text.substring(4).strip() : "";
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return new Invalid(what + " reason phrase has a control character");
      }
    }
    return new Valid(new StatusLine(code, reason));
  }

  private static boolean isDigits(String s, int count) {
    for (int i = 0; i < count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
