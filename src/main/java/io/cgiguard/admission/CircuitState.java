package io.cgiguard.admission;

import java.util.Locale;

/** The three states of a {@link CircuitBreaker}; the lower-case name appears in status JSON. */
public enum CircuitState {
  /** Requests run; outcomes are counted. */
  CLOSED,
  /** Requests are refused until the open time has passed. */
  OPEN,
  /** One probe runs; its outcome closes or re-opens the circuit. */
  HALF_OPEN;

  /** @return {@code closed}, {@code open} or {@code half-open} */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
