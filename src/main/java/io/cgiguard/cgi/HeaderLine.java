package io.cgiguard.cgi;

import java.nio.charset.StandardCharsets;

/**
 * The syntax of one line of a CGI response header block (RFC 3875 section 6.3, with the field
 * grammar of RFC 9110 section 5): checks a line's bytes in place and cuts it into a name and a
 * value. Stateless; every method works on a range of the reader's buffer so that checking costs no
 * allocation.
 */
final class HeaderLine {

  private static final int SHOWN_CHARS = 60;

  private HeaderLine() {}

  /**
   * Finds what is wrong with the bytes of a line regardless of where it stands in the block.
   *
   * @param b the buffer
   * @param from the first byte of the line
   * @param to the end of the line, its CR LF or LF excluded
   * @return a reason, or {@code null} when the bytes are acceptable
   */
  static String byteProblem(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == 0) {
        return "NUL byte in the header block";
      }
      if (b[i] == '\r') {
        // A CR not followed by LF is how response splitting hides a line break from one
        // parser and shows it to another: never pass it on.
        return "bare CR inside a header line";
      }
    }
    if (b[from] == ' ' || b[from] == '\t') {
      return "obsolete line folding (a line starts with white space)";
    }
    return null;
  }

  /** @return whether the line cannot be a header field at all and reads like content instead */
  static boolean looksLikeBody(byte[] b, int from, int to) {
    return b[from] == '<' || b[from] == '{' || colonIndex(b, from, to) < 0;
  }

  /** @return whether no header field line could begin with these bytes */
  static boolean cannotStartField(byte[] b, int from, int to) {
    if (b[from] == '<' || b[from] == '{') {
      return true;
    }
    for (int i = from; i < to && b[i] != ':'; i++) {
      if (!isTokenChar(b[i])) {
        return true;
      }
    }
    return false;
  }

  /** @return whether the line starts with the ASCII {@code prefix} */
  static boolean startsWith(byte[] b, int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b[from + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** @return the index of the first colon of the line, or -1 */
  static int colonIndex(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == ':') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Checks a field line whose colon is at {@code colon}.
   *
   * @return a reason, or {@code null} when the name is a token and the value has no control
   *     character but HT
   */
  static String fieldProblem(byte[] b, int from, int colon, int to) {
    if (colon == from) {
      return "empty field name";
    }
    for (int i = from; i < colon; i++) {
      if (!isTokenChar(b[i])) {
        return "field name \"" + show(b, from, colon) + "\" is not an RFC 9110 token";
      }
    }
    for (int i = colon + 1; i < to; i++) {
      int c = b[i] & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return "control character 0x" + hex(c) + " in the value of " + show(b, from, colon);
      }
    }
    return null;
  }

  /** @return the field of a checked line, value stripped of surrounding SP and HT */
  static HeaderField field(byte[] b, int from, int colon, int to) {
    int start = colon + 1;
    int end = to;
    while (start < end && isWhite(b[start])) {
      start++;
    }
    while (end > start && isWhite(b[end - 1])) {
      end--;
    }
    return new HeaderField(latin1(b, from, colon), latin1(b, start, end));
  }

  /**
   * Renders bytes for a reason shown to people: at most {@value #SHOWN_CHARS} characters,
   * anything outside printable ASCII as {@code \xNN}, so that a reason is always a single safe
   * line (pages still escape it for their own syntax).
   */
  static String show(byte[] b, int from, int to) {
    StringBuilder out = new StringBuilder();
    int end = Math.min(to, from + SHOWN_CHARS);
    for (int i = from; i < end; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        out.append((char) c);
      } else {
        out.append("\\x").append(hex(c));
      }
    }
    if (end < to) {
      out.append('…');
    }
    return out.toString();
  }

  static String latin1(byte[] b, int from, int to) {
    // Field bytes are octets (RFC 9110 5.5); ISO-8859-1 maps each to one char and back.
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }

  static boolean isTokenChar(byte c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static boolean isWhite(byte c) {
    return c == ' ' || c == '\t';
  }

  private static String hex(int c) {
    return String.format("%02X", c);
  }
}
