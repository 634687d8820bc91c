package io.cgiguard.observe;

import java.util.Locale;

/**
 * The state of one script's circuit breaker as it is exposed: the gauge value of
 * {@code cgiguard_circuit_state} and the word shown on the status page. The guard owns the breaker;
 * this enum only names what an operator sees.
 */
public enum CircuitState {
  /** Requests pass; failures are being counted. */
  CLOSED(0),
  /** One trial request is allowed to find out whether the script recovered. */
  HALF_OPEN(1),
  /** Requests are refused with 503 until the open interval ends. */
  OPEN(2);

  private final int gaugeValue;

  CircuitState(int gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  /** @return 0 closed, 1 half-open, 2 open: larger is worse, so {@code max()} over scripts works */
  public int gaugeValue() {
    return gaugeValue;
  }

  /** @return the lower-case, hyphenated label, such as {@code half-open} */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Reads a state from either spelling the gateway may have at hand: the label ({@code half-open})
   * or an enum constant name of the guard's own breaker ({@code HALF_OPEN}).
   *
   * @throws IllegalArgumentException for any other word
   */
  public static CircuitState parse(String word) {
    String normal = word.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (CircuitState state : values()) {
      if (state.label().equals(normal)) {
        return state;
      }
    }
    throw new IllegalArgumentException("no circuit state '" + word + "'");
  }
}
