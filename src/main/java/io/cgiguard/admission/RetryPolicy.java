package io.cgiguard.admission;

import io.cgiguard.failure.FailureKind;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * When a failed attempt may be repeated. A retry is safe only while nothing has reached the
 * client, so every rule is a small predicate over {@link RetryFacts}; the first that fails gives
 * the reason to give up. Backoff is exponential with full jitter, so that a crowd of requests
 * failing together does not come back together.
 *
 * @param attempts attempts in all, the first included (1 means never retry)
 * @param firstBackoff the cap of the first delay; each further retry doubles it
 * @param maxBackoff the largest cap
 * @param deadline no new attempt starts later than this after the request arrived
 * @param retriableKinds the failure kinds worth repeating
 * @param methods the request methods that may be repeated, upper case
 * @param bodyRetryAllowed whether a buffered request body may be written to a second attempt
 */
public record RetryPolicy(
    int attempts,
    Duration firstBackoff,
    Duration maxBackoff,
    Duration deadline,
    Set<FailureKind> retriableKinds,
    Set<String> methods,
    boolean bodyRetryAllowed) {

  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
    }
    requireNonNegative(firstBackoff, "firstBackoff");
    requireNonNegative(maxBackoff, "maxBackoff");
    requireNonNegative(deadline, "deadline");
    retriableKinds = Set.copyOf(retriableKinds);
    methods = methods.stream()
        .map(method -> method.toUpperCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Decides whether to try again.
   *
   * @param random the source of jitter; a seeded or fixed generator makes the delay deterministic
   */
  public RetryDecision decide(RetryFacts facts, RandomGenerator random) {
    Optional<String> refusal = refusal(facts);
    if (refusal.isPresent()) {
      return new RetryDecision.GiveUp(refusal.get());
    }
    Duration delay = backoff(facts.attemptsMade(), random);
    if (facts.elapsed().plus(delay).compareTo(deadline) >= 0) {
      return new RetryDecision.GiveUp(
          "the retry deadline of " + deadline.toMillis()
              + " ms would pass before the next attempt");
    }
    return new RetryDecision.Retry(delay);
  }

  private Optional<String> refusal(RetryFacts facts) {
    if (!retriableKinds.contains(facts.kind())) {
      return Optional.of(facts.kind().label() + " is not a retriable failure");
    }
    if (facts.certainCause().isPresent()) {
      return Optional.of("the cause is certain (" + facts.certainCause().get()
          + ") and another attempt would fail the same way");
    }
    if (facts.kind() == FailureKind.SPAWN_FAILED
        && !facts.spawnErrno().map(ProcessShortage::isShortageErrno).orElse(false)) {
      return Optional.of(
          "the spawn error " + facts.spawnErrno().orElse("(none)") + " will not go away by itself");
    }
    if (facts.kind() == FailureKind.SPAWN_FAILED) {
      // The program never ran, so it read nothing: whatever the method and the body, running it
      // later is running it once.
      return attemptsRefusal(facts);
    }
    // A method outside the safe list is replayable only as the mapping allows: with its body
    // held whole in the replay buffer.
    boolean mappedBodyRetry = bodyRetryAllowed && facts.body() == RequestBody.BUFFERED;
    if (!methods.contains(facts.method().toUpperCase(Locale.ROOT)) && !mappedBodyRetry) {
      return Optional.of(facts.method() + " requests are not retried");
    }
    return bodyRefusal(facts).or(() -> attemptsRefusal(facts));
  }

  private Optional<String> bodyRefusal(RetryFacts facts) {
    return switch (facts.body()) {
      case NONE -> Optional.empty();
      case BUFFERED -> bodyRetryAllowed
          ? Optional.empty()
          : Optional.of("replaying a request body is not allowed");
      case STREAMED -> Optional.of("the request body was streamed and cannot be replayed");
    };
  }

  private Optional<String> attemptsRefusal(RetryFacts facts) {
    return facts.attemptsMade() >= attempts
        ? Optional.of("all " + attempts + " attempts are used")
        : Optional.empty();
  }

  /**
   * Full jitter: uniform in [0, min(maxBackoff, firstBackoff * 2^(attemptsMade - 1))].
   *
   * @param attemptsMade 1 before the first retry
   */
  public Duration backoff(int attemptsMade, RandomGenerator random) {
    long capNanos = backoffCap(attemptsMade).toNanos();
    return capNanos == 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(capNanos + 1));
  }

  /** @return the largest delay before the retry that follows attempt {@code attemptsMade} */
  public Duration backoffCap(int attemptsMade) {
    int doublings = Math.max(0, Math.min(attemptsMade - 1, 30));
    Duration cap = firstBackoff;
    for (int i = 0; i < doublings && cap.compareTo(maxBackoff) < 0; i++) {
      cap = cap.multipliedBy(2);
    }
    return cap.compareTo(maxBackoff) > 0 ? maxBackoff : cap;
  }

  private static void requireNonNegative(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
  }
}
