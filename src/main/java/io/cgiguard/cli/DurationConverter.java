package io.cgiguard.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads durations as people write them on a command line: {@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 1h}, {@code 1.5s}; a bare number is seconds.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  @Override
  public Duration convert(String text) {
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a duration such as 500ms, 30s, 2m or 1h");
    }
    double amount = Double.parseDouble(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    double millis = switch (unit) {
      case "ms" -> amount;
      case "m" -> amount * 60_000;
      case "h" -> amount * 3_600_000;
      default -> amount * 1000;
    };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }
}
