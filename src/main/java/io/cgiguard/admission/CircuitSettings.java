package io.cgiguard.admission;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link CircuitBreaker} judges a script.
 *
 * @param window how many of the latest request outcomes count (after retries)
 * @param minRequests no opinion before this many outcomes are in the window
 * @param failureRatio open when failures / outcomes in the window reach this, 0 to 1
 * @param openFor how long the circuit stays open before one half-open probe is let through
 */
public record CircuitSettings(int window, int minRequests, double failureRatio, Duration openFor) {

  public CircuitSettings {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    if (minRequests < 1 || minRequests > window) {
      throw new IllegalArgumentException("minRequests must be in 1.." + window);
    }
    if (!(failureRatio > 0 && failureRatio <= 1)) {
      throw new IllegalArgumentException("failureRatio must be in (0, 1], got " + failureRatio);
    }
    Objects.requireNonNull(openFor, "openFor");
    if (openFor.isNegative() || openFor.isZero()) {
      throw new IllegalArgumentException("openFor must be positive");
    }
  }
}
