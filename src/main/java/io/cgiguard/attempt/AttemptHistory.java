package io.cgiguard.attempt;

import io.cgiguard.failure.Failure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The attempts of one request, in order. Immutable: {@link #with} returns a longer history, so
 * the attempt loop can hand the history on without anyone changing it behind its back.
 */
public final class AttemptHistory {

  private static final AttemptHistory EMPTY = new AttemptHistory(List.of());

  private final List<Attempt> attempts;

  private AttemptHistory(List<Attempt> attempts) {
    this.attempts = attempts;
  }

  /** @return a history without attempts */
  public static AttemptHistory empty() {
    return EMPTY;
  }

  /** @return a history of {@code attempts}, which must be numbered 1, 2, 3 ... */
  public static AttemptHistory of(List<Attempt> attempts) {
    AttemptHistory history = EMPTY;
    for (Attempt attempt : attempts) {
      history = history.with(attempt);
    }
    return history;
  }

  /** @return this history followed by {@code attempt}, which must carry the next number */
  public AttemptHistory with(Attempt attempt) {
    if (attempt.number() != attempts.size() + 1) {
      throw new IllegalArgumentException(
          "expected attempt " + (attempts.size() + 1) + ", got " + attempt.number());
    }
    List<Attempt> longer = new ArrayList<>(attempts);
    longer.add(attempt);
    return new AttemptHistory(List.copyOf(longer));
  }

  /** @return the attempts, first first */
  public List<Attempt> attempts() {
    return attempts;
  }

  /** @return how many attempts were made */
  public int count() {
    return attempts.size();
  }

  /** @return the last attempt, if any */
  public Optional<Attempt> last() {
    return attempts.isEmpty() ? Optional.empty() : Optional.of(attempts.get(attempts.size() - 1));
  }

  /** @return the last failure, if the last attempt failed */
  public Optional<Failure> lastFailure() {
    return last().flatMap(Attempt::failure);
  }

  /** @return the time all attempts took together */
  public Duration totalElapsed() {
    return attempts.stream().map(Attempt::elapsed).reduce(Duration.ZERO, Duration::plus);
  }

  @Override
  public String toString() {
    return "AttemptHistory" + attempts;
  }
}
