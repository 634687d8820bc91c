package io.cgiguard.cli;

import picocli.CommandLine;

/** Reads a fraction from 0 to 1, written {@code 0.01} or {@code 1%}. */
public final class FractionConverter implements CommandLine.ITypeConverter<Double> {

  @Override
  public Double convert(String text) {
    String trimmed = text.trim();
    boolean percent = trimmed.endsWith("%");
    double value;
    try {
      value = Double.parseDouble(percent ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    value = percent ? value / 100 : value;
    if (!(value >= 0 && value <= 1)) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a fraction from 0 to 1 such as 0.01 or 1%");
    }
    return value;
  }
}
