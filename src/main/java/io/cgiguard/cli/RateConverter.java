package io.cgiguard.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads a request rate, {@code 200/s}, {@code 600/m} or a bare {@code 200} (per second). */
public final class RateConverter implements CommandLine.ITypeConverter<Double> {

  private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)(?:/(s|m))?");

  @Override
  public Double convert(String text) {
    Matcher matcher = RATE.matcher(text.trim());
    if (!matcher.matches() || Double.parseDouble(matcher.group(1)) <= 0) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a positive rate such as 200/s or 600/m");
    }
    double amount = Double.parseDouble(matcher.group(1));
    return "m".equals(matcher.group(2)) ? amount / 60 : amount;
  }
}
