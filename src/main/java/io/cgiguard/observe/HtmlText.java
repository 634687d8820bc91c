package io.cgiguard.observe;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;

/**
 * Turns strings from outside (URLs, stderr, script names) into HTML text that shows them as they
 * are and can never become markup. Besides the five characters HTML gives meaning to, control
 * characters and bidirectional overrides are made visible as {@code \xNN} or {@code \}{@code
 * uNNNN}: a script's terminal colour codes stay readable, and a crafted path cannot reorder the
 * text around it on screen.
 */
final class HtmlText {

  private static final Escaper MARKUP = HtmlEscapers.htmlEscaper();

  private HtmlText() {}

  /** @return {@code raw} as HTML text on one line: every control character is made visible */
  static String inline(String raw) {
    return MARKUP.escape(visible(raw, false));
  }

  /** @return {@code raw} as HTML text for a {@code <pre>}: newlines and tabs are kept */
  static String block(String raw) {
    return MARKUP.escape(visible(raw, true));
  }

  private static String visible(String raw, boolean keepLines) {
    StringBuilder out = null;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      String replacement = replacement(c, keepLines);
      if (replacement != null && out == null) {
        out = new StringBuilder(raw.length() + 16).append(raw, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? raw : out.toString();
  }

  private static String replacement(char c, boolean keepLines) {
    if (keepLines && (c == '\n' || c == '\t')) {
      return null;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return String.format("\\x%02X", (int) c);
    }
    if (isBidiControl(c) || c == '\u2028' || c == '\u2029') {
      return String.format("\\u%04X", (int) c);
    }
    return null;
  }

  private static boolean isBidiControl(char c) {
    return (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e'
        || c == '\u200f'
        || c == '\u061c';
  }
}
