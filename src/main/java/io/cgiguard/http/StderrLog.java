package io.cgiguard.http;

import io.cgiguard.launch.LaunchSpec;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a request's script writes to stderr, as it reaches the gateway's log: one INFO line per
 * stderr line, under the request id and the script's name. A script is not trusted with the log:
 * control and format characters are written as escapes ({@code \x1b} for ESC, a u-escape for a
 * format character such as the right-to-left override), so that a carriage return, a terminal
 * escape or a bidirectional override cannot forge a log line or rewrite what an operator's
 * terminal shows; and a request logs at most {@link #LIMIT_CHARS} characters of it, then one line
 * saying the rest was left out, so that one script cannot fill the disk through the log. The
 * diagnostic page still shows the stderr tail it keeps.
 */
final class StderrLog implements LaunchSpec.StderrSink {

  /** The stderr characters (line ends included) one request may put in the log. */
  static final int LIMIT_CHARS = 64 * 1024;

  private static final Logger STDERR = LoggerFactory.getLogger("io.cgiguard.script.stderr");

  private final String requestId;
  private final String script;
  private final AtomicLong logged = new AtomicLong();

  StderrLog(String requestId, String script) {
    this.requestId = requestId;
    this.script = script;
  }

  @Override
  public void line(String line) {
    long before = logged.getAndAdd(line.length() + 1L);
    if (before >= LIMIT_CHARS) {
      return;
    }
    if (before + line.length() + 1 > LIMIT_CHARS) {
      STDERR.info("[{}] {}: (stderr past its first {} characters is not logged for this request)",
          requestId, escaped(script), LIMIT_CHARS);
      return;
    }
    STDERR.info("[{}] {}: {}", requestId, escaped(script), escaped(line));
  }

  /** @return {@code text} with every control and format character written as an escape */
  static String escaped(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int type = Character.getType(c);
      boolean unsafe = c != '\t' && (type == Character.CONTROL || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR);
      if (unsafe && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out == null) {
        continue;
      }
      if (!unsafe) {
        out.append(c);
      } else if (c < 0x100) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? text : out.toString();
  }
}
