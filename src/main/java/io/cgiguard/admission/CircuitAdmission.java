package io.cgiguard.admission;

import java.time.Duration;
import java.util.Objects;

/** A {@link CircuitBreaker}'s answer to "may this request run the script?". */
public sealed interface CircuitAdmission {

  /**
   * Run it, and report the outcome with {@link CircuitBreaker#record}.
   *
   * @param probe whether this request is the one half-open probe whose outcome closes or re-opens
   *     the circuit
   */
  record Allowed(boolean probe) implements CircuitAdmission {}

  /** Do not run it: answer 503 with {@code Retry-After} of {@code retryAfter}. */
  record Refused(Duration retryAfter) implements CircuitAdmission {
    public Refused {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }
}
