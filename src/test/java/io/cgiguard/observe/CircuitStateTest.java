package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CircuitStateTest {

  @ParameterizedTest
  @CsvSource({
    "closed, CLOSED, 0",
    "CLOSED, CLOSED, 0",
    "half-open, HALF_OPEN, 1",
    "HALF_OPEN, HALF_OPEN, 1",
    "' open ', OPEN, 2",
  })
  void parsesLabelsAndEnumNames(String word, CircuitState expected, int gaugeValue) {
    assertThat(CircuitState.parse(word)).isEqualTo(expected);
    assertThat(expected.gaugeValue()).isEqualTo(gaugeValue);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "shut", "half open"})
  void rejectsOtherWords(String word) {
    assertThatThrownBy(() -> CircuitState.parse(word))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
