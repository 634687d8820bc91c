package io.cgiguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.config.ConfigLoader;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.plan.ScriptPlans;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetryPolicyTest {

  /** The retry rules of the built-in configuration. */
  private static final RetryPolicy POLICY =
      new ScriptPlans(new ConfigLoader(Path.of(".")).defaults()).retryPolicy(Optional.empty());

  /** Always picks the top of the range, so the delay is the cap. */
  private static final RandomGenerator HIGHEST = new RandomGenerator() {
    @Override
    public long nextLong() {
      return Long.MAX_VALUE;
    }

    @Override
    public long nextLong(long bound) {
      return bound - 1;
    }
  };

  private static final RetryFacts RETRIABLE = new RetryFacts(
      FailureKind.EXITED_BEFORE_HEADERS, Optional.empty(), Optional.empty(), "GET",
      RequestBody.NONE, 1,
      Duration.ofMillis(100));

  @Test
  void retriesAFreshGetFailureAfterTheFirstBackoff() {
    assertThat(POLICY.decide(RETRIABLE, HIGHEST))
        .isEqualTo(new RetryDecision.Retry(Duration.ofMillis(50)));
  }

  static Stream<Arguments> flips() {
    return Stream.of(
        flip("kind not retriable", f -> with(f, FailureKind.MALFORMED_HEADERS, f.spawnErrno())),
        flip("spawn ENOENT", f -> with(f, FailureKind.SPAWN_FAILED, Optional.of("ENOENT"))),
        flip("spawn without errno", f -> with(f, FailureKind.SPAWN_FAILED, Optional.empty())),
        flip("certain cause", f -> new RetryFacts(f.kind(), f.spawnErrno(),
            Optional.of("Perl could not compile the script"), f.method(), f.body(),
            f.attemptsMade(), f.elapsed())),
        flip("POST", f -> withMethod(f, "POST")),
        flip("buffered body, replay off", f -> withBody(f, RequestBody.BUFFERED)),
        flip("streamed body", f -> withBody(f, RequestBody.STREAMED)),
        flip("attempts used", f -> new RetryFacts(f.kind(), f.spawnErrno(), f.certainCause(),
            f.method(), f.body(), 3, f.elapsed())),
        flip("deadline", f -> new RetryFacts(f.kind(), f.spawnErrno(), f.certainCause(),
            f.method(), f.body(), f.attemptsMade(), Duration.ofMillis(29_960))));
  }

  private static Arguments flip(String name, UnaryOperator<RetryFacts> change) {
    return Arguments.of(name, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flips")
  void everyRuleAloneTurnsRetryIntoGiveUp(String name, UnaryOperator<RetryFacts> change) {
    assertThat(POLICY.decide(RETRIABLE, HIGHEST)).isInstanceOf(RetryDecision.Retry.class);

    RetryDecision decision = POLICY.decide(change.apply(RETRIABLE), HIGHEST);

    assertThat(decision).isInstanceOf(RetryDecision.GiveUp.class);
    assertThat(((RetryDecision.GiveUp) decision).reason()).isNotBlank();
  }

  @Test
  void spawnFailureIsRetriedOnlyForTransientErrnos() {
    for (String errno : new String[] {"EAGAIN", "ENOMEM"}) {
      RetryFacts facts = with(RETRIABLE, FailureKind.SPAWN_FAILED, Optional.of(errno));
      assertThat(POLICY.decide(facts, HIGHEST)).as(errno).isInstanceOf(RetryDecision.Retry.class);
    }
  }

  @Test
  void spawnThatNeverRanIsRetriedWhateverTheMethodAndBody() {
    RetryFacts eagain = with(RETRIABLE, FailureKind.SPAWN_FAILED, Optional.of("EAGAIN"));
    RetryFacts streamedPost = withBody(withMethod(eagain, "POST"), RequestBody.STREAMED);

    assertThat(POLICY.decide(streamedPost, HIGHEST)).isInstanceOf(RetryDecision.Retry.class);
    assertThat(POLICY.decide(new RetryFacts(streamedPost.kind(), streamedPost.spawnErrno(),
        streamedPost.certainCause(), "POST", RequestBody.STREAMED, 3, Duration.ofMillis(100)),
        HIGHEST))
        .as("all attempts used").isInstanceOf(RetryDecision.GiveUp.class);
    assertThat(POLICY.decide(withBody(withMethod(with(RETRIABLE, FailureKind.SPAWN_FAILED,
        Optional.of("ENOENT")), "POST"), RequestBody.STREAMED), HIGHEST))
        .as("an errno that will not go away").isInstanceOf(RetryDecision.GiveUp.class);
  }

  @Test
  void bufferedBodyIsReplayedWhenAllowed() {
    RetryPolicy replaying = new RetryPolicy(3, Duration.ofMillis(50), Duration.ofSeconds(1),
        Duration.ofSeconds(30), POLICY.retriableKinds(), java.util.Set.of("GET", "POST"), true);

    RetryFacts post = withBody(withMethod(RETRIABLE, "post"), RequestBody.BUFFERED);

    assertThat(replaying.decide(post, HIGHEST)).isInstanceOf(RetryDecision.Retry.class);
    assertThat(replaying.decide(withBody(post, RequestBody.STREAMED), HIGHEST))
        .isInstanceOf(RetryDecision.GiveUp.class);
  }

  @Test
  void backoffCapDoublesUpToTheMaximum() {
    assertThat(POLICY.backoffCap(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(POLICY.backoffCap(2)).isEqualTo(Duration.ofMillis(100));
    assertThat(POLICY.backoffCap(5)).isEqualTo(Duration.ofMillis(800));
    assertThat(POLICY.backoffCap(6)).isEqualTo(Duration.ofSeconds(1));
    assertThat(POLICY.backoffCap(1000)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void fullJitterStaysWithinZeroAndTheCapAndIsDeterministicForASeed() {
    RandomGenerator first = new SplittableRandom(42);
    RandomGenerator second = new SplittableRandom(42);
    for (int attempt = 1; attempt <= 8; attempt++) {
      Duration delay = POLICY.backoff(attempt, first);
      assertThat(delay).isBetween(Duration.ZERO, POLICY.backoffCap(attempt));
      assertThat(POLICY.backoff(attempt, second)).isEqualTo(delay);
    }
  }

  @Test
  void zeroBackoffRetriesAtOnce() {
    RetryPolicy eager = new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1),
        POLICY.retriableKinds(), POLICY.methods(), false);

    assertThat(eager.decide(RETRIABLE, HIGHEST)).isEqualTo(new RetryDecision.Retry(Duration.ZERO));
  }

  private static RetryFacts with(RetryFacts f, FailureKind kind, Optional<String> errno) {
    return new RetryFacts(kind, errno, f.certainCause(), f.method(), f.body(), f.attemptsMade(),
        f.elapsed());
  }

  private static RetryFacts withMethod(RetryFacts f, String method) {
    return new RetryFacts(f.kind(), f.spawnErrno(), f.certainCause(), method, f.body(),
        f.attemptsMade(), f.elapsed());
  }

  private static RetryFacts withBody(RetryFacts f, RequestBody body) {
    return new RetryFacts(f.kind(), f.spawnErrno(), f.certainCause(), f.method(), body,
        f.attemptsMade(), f.elapsed());
  }
}
