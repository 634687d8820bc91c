package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ConvertersTest {

  @ParameterizedTest
  @CsvSource({"500ms, 500", "30s, 30000", "2m, 120000", "1h, 3600000", "1.5s, 1500", "7, 7000"})
  void readsDurationsAsPeopleWriteThem(String text, long millis) {
    assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "-1s", "3 weeks", "10d", "1e3s"})
  void rejectsWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> new DurationConverter().convert(text))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("not a duration");
  }

  @ParameterizedTest
  @CsvSource({"200/s, 200", "600/m, 10", "50, 50", "2.5/s, 2.5"})
  void readsRates(String text, double perSecond) {
    assertThat(new RateConverter().convert(text)).isEqualTo(perSecond);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0/s", "fast", "-5", "10/h"})
  void rejectsWhatIsNotARate(String text) {
    assertThatThrownBy(() -> new RateConverter().convert(text))
        .isInstanceOf(CommandLine.TypeConversionException.class);
  }

  @ParameterizedTest
  @CsvSource({"0.01, 0.01", "1%, 0.01", "0, 0", "100%, 1"})
  void readsFractions(String text, double fraction) {
    assertThat(new FractionConverter().convert(text)).isEqualTo(fraction);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2", "150%", "half", "-0.1"})
  void rejectsWhatIsNotAFraction(String text) {
    assertThatThrownBy(() -> new FractionConverter().convert(text))
        .isInstanceOf(CommandLine.TypeConversionException.class);
  }
}
