package io.cgiguard.cgi;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The per-segment checks of {@link RequestPath#decode}, in the order its Javadoc gives: raw
 * characters, escapes, decoded bytes, UTF-8, decoded text.
 */
final class PathSegment {
  private PathSegment() {}

  /**
   * Decodes one raw segment, non-empty, and adds it to {@code out} when it passes.
   *
   * @return why the segment is refused, or {@code null} when it was added
   */
  static RequestPath.Rejected decodeInto(String raw, List<String> out) {
    String problem = rawProblem(raw);
    if (problem != null) {
      return new RequestPath.Rejected(problem);
    }
    byte[] bytes = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        c = (char) Integer.parseInt(raw, i + 1, i + 3, 16);
        i += 2;
      }
      bytes[n++] = (byte) c;
    }
    problem = byteProblem(bytes, n);
    if (problem != null) {
      return new RequestPath.Rejected(problem);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return new RequestPath.Rejected("invalid UTF-8 after decoding: " + raw);
    }
    problem = textProblem(text);
    if (problem != null) {
      return new RequestPath.Rejected(problem + ": " + RequestPath.encodeSegment(text));
    }
    out.add(text);
    return null;
  }

  private static String rawProblem(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "control character in the path";
      }
      if (c > 0x7f) {
        return "raw non-ASCII character in the path (it must be percent-encoded)";
      }
      if (c == '\\') {
        return "backslash in the path";
      }
      if (c == '%' && (i + 2 >= raw.length() || !isHex(raw.charAt(i + 1))
          || !isHex(raw.charAt(i + 2)))) {
        return "malformed percent-escape in the path";
      }
    }
    return null;
  }

  private static String byteProblem(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c < 0x20 || c == 0x7f) {
        return "encoded control character in the path";
      }
      if (c == '/') {
        return "encoded slash (%2F) inside a path segment";
      }
      if (c == '\\') {
        return "encoded backslash (%5C) inside a path segment";
      }
      if (c == '%' && i + 2 < n && isHex((char) b[i + 1]) && isHex((char) b[i + 2])) {
        // Another decoder further on would turn this into a different character.
        return "double-encoded percent-escape in the path";
      }
      if (isOverlongStart(b, i, n)) {
        return "overlong UTF-8 encoding in the path";
      }
    }
    return null;
  }

  private static boolean isOverlongStart(byte[] b, int i, int n) {
    int c = b[i] & 0xff;
    if (c == 0xc0 || c == 0xc1) {
      return true;
    }
    int next = i + 1 < n ? b[i + 1] & 0xff : 0;
    return (c == 0xe0 && next >= 0x80 && next < 0xa0)
        || (c == 0xf0 && next >= 0x80 && next < 0x90);
  }

  private static String textProblem(String text) {
    // Servlet containers and Jetty's canonical path drop ";params", so "..;x" is ".." to them.
    int semicolon = text.indexOf(';');
    String bare = semicolon < 0 ? text : text.substring(0, semicolon);
    if (bare.equals(".") || bare.equals("..")) {
      return "dot segment in the path";
    }
    char last = text.charAt(text.length() - 1);
    if (last == '.' || last == ' ') {
      // Windows drops a trailing dot or space, so "env.pl." would be served as source.
      return "path segment ends in a dot or a space";
    }
    if (text.contains(":$")) {
      return "NTFS stream name (:$) in a path segment";
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u00ad') {
        // Windows best-fit maps the soft hyphen to '-' (CVE-2024-4577).
        return "soft hyphen (U+00AD) in the path";
      }
      if (c >= 0x80 && c <= 0x9f) {
        return "encoded control character in the path";
      }
    }
    return null;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
