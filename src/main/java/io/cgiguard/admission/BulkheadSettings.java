package io.cgiguard.admission;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the {@link Bulkhead}.
 *
 * @param maxRunning scripts running at once, all scripts together
 * @param maxPerScript scripts running at once for one script key
 * @param queue requests that may wait for a slot at once; one more is rejected at once
 * @param retryAfter what a rejected request is told to wait before it tries again
 */
public record BulkheadSettings(int maxRunning, int maxPerScript, int queue, Duration retryAfter) {

  public BulkheadSettings {
    if (maxRunning < 1) {
      throw new IllegalArgumentException("maxRunning must be >= 1, got " + maxRunning);
    }
    if (maxPerScript < 1) {
      throw new IllegalArgumentException("maxPerScript must be >= 1, got " + maxPerScript);
    }
    if (queue < 0) {
      throw new IllegalArgumentException("queue must be >= 0, got " + queue);
    }
    Objects.requireNonNull(retryAfter, "retryAfter");
  }
}
