package io.cgiguard.attempt;

import io.cgiguard.failure.Failure;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a script for a request. A request has one or more attempts; all of them are kept
 * (see {@link AttemptHistory}) so that the diagnostic page can tell the whole story.
 *
 * @param number 1 for the first attempt
 * @param failure why it failed, or empty when it produced a complete header block
 * @param elapsed how long the attempt took
 */
public record Attempt(int number, Optional<Failure> failure, Duration elapsed) {

  public Attempt {
    if (number < 1) {
      throw new IllegalArgumentException("attempt numbers start at 1, got " + number);
    }
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** @return a failed attempt */
  public static Attempt failed(int number, Failure failure, Duration elapsed) {
    return new Attempt(number, Optional.of(failure), elapsed);
  }

  /** @return an attempt that produced a complete header block */
  public static Attempt succeeded(int number, Duration elapsed) {
    return new Attempt(number, Optional.empty(), elapsed);
  }

  /** @return whether this attempt produced a complete header block */
  public boolean success() {
    return failure.isEmpty();
  }
}
