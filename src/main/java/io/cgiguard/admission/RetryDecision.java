package io.cgiguard.admission;

import java.time.Duration;
import java.util.Objects;

/** The {@link RetryPolicy}'s answer after a failed attempt. */
public sealed interface RetryDecision {

  /** Try again after {@code delay}. */
  record Retry(Duration delay) implements RetryDecision {
    public Retry {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /** Do not try again; {@code reason} says why, for logs and the detailed page. */
  record GiveUp(String reason) implements RetryDecision {
    public GiveUp {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
