package io.cgiguard.text;

/**
 * Makes script and request text safe to show: control characters become visible escapes (so a CR
 * cannot forge a line and a NUL cannot cut one short), and HTML metacharacters become entities.
 */
public final class Escaping {

  private Escaping() {}

  /**
   * @param keepNewlines whether LF (and TAB) stay as they are, for preformatted blocks
   * @return {@code text} with every other control, bidi-override and line-separator character
   *     written as {@code \r}, {@code \0}, {@code \x1b} or {@code \u202e}
   */
  public static String visible(String text, boolean keepNewlines) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (keepNewlines && (c == '\n' || c == '\t')) {
        out.append(c);
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == 0) {
        out.append("\\0");
      } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        out.append(String.format("\\x%02x", (int) c));
      } else if (invisible(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Bidi controls, line and paragraph separators, and the BOM change how text reads. */
  private static boolean invisible(char c) {
    return (c >= 0x200b && c <= 0x200f)
        || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0xfeff;
  }

  /** @return {@code text} with {@code & < > " '} as entities, control characters made visible */
  public static String html(String text, boolean keepNewlines) {
    String shown = visible(text, keepNewlines);
    StringBuilder out = new StringBuilder(shown.length() + 16);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
