package io.cgiguard.text;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;

/**
 * Makes script and request text safe to show, for every page the gateway writes (diagnostic
 * pages, refusals, the status page, load reports). Control characters become visible escapes, so
 * a CR cannot forge a line and a NUL cannot cut one short; bidirectional overrides, zero-width
 * characters, line separators and the BOM become {@code \}{@code uNNNN}, so a crafted path cannot
 * reorder or hide the text around it on screen; HTML metacharacters become entities (Guava's
 * escaper: {@code & < > " '}).
 */
public final class Escaping {

  private static final Escaper MARKUP = HtmlEscapers.htmlEscaper();

  private Escaping() {}

  /**
   * @param keepNewlines whether LF and TAB stay as they are, for preformatted blocks
   * @return {@code text} with every other control character written as {@code \r}, {@code \n},
   *     {@code \t}, {@code \0} or {@code \xNN}, and every invisible or reordering character as
   *     {@code \}{@code uNNNN}
   */
  public static String visible(String text, boolean keepNewlines) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = keepNewlines && (c == '\n' || c == '\t') ? null : replacement(c);
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /** @return {@code text} as HTML text on one line: every control character made visible */
  public static String html(String text) {
    return MARKUP.escape(visible(text, false));
  }

  /** @return {@code text} as HTML text for a {@code <pre>} block: LF and TAB kept */
  public static String htmlBlock(String text) {
    return MARKUP.escape(visible(text, true));
  }

  /** @return how {@code c} is shown, or null when it is shown as itself */
  private static String replacement(char c) {
    switch (c) {
      case '\r':
        return "\\r";
      case '\n':
        return "\\n";
      case '\t':
        return "\\t";
      case 0:
        return "\\0";
      default:
        break;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return String.format("\\x%02X", (int) c);
    }
    if (invisible(c)) {
      return String.format("\\u%04X", (int) c);
    }
    return null;
  }

  /**
   * Zero-width characters and marks, line and paragraph separators, bidirectional embeddings,
   * overrides and isolates, the Arabic letter mark and the BOM: each changes how the text around
   * it reads without showing itself.
   */
  private static boolean invisible(char c) {
    return (c >= 0x200b && c <= 0x200f)
        || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x061c
        || c == 0xfeff;
  }
}
