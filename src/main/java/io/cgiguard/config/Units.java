package io.cgiguard.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the sizes ({@code 64KiB}) and durations ({@code 30s}) the configuration is written in. */
public final class Units {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB)?");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private Units() {}

  /**
   * @param text a size such as {@code 512}, {@code 64KiB}, {@code 1GiB} (KB, MB, GB are read as
   *     their binary counterparts, as IIS and most servers do)
   * @return the size in bytes
   * @throws IllegalArgumentException with a message for people when the text is not a size
   */
  public static long parseBytes(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size; write it like 512B, 64KiB, 16MiB or 1GiB");
    }
    long number = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    int shift = switch (unit) {
      case "KiB", "KB" -> 10;
      case "MiB", "MB" -> 20;
      case "GiB", "GB" -> 30;
      case "TiB" -> 40;
      default -> 0;
    };
    if (number > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return number << shift;
  }

  /**
   * @param text a duration such as {@code 250ms}, {@code 30s}, {@code 10m}, {@code 1h}
   * @return the duration
   * @throws IllegalArgumentException with a message for people when the text is not a duration
   */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write it like 250ms, 30s, 10m or 1h");
    }
    long number = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(number);
      case "s" -> Duration.ofSeconds(number);
      case "m" -> Duration.ofMinutes(number);
      case "h" -> Duration.ofHours(number);
      default -> Duration.ofDays(number);
    };
  }

  /** @return a duration written back the way the configuration writes it */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
