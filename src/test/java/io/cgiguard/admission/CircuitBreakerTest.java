package io.cgiguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.SteppedClock;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.plan.ScriptPlans;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  /** The circuit settings of the built-in configuration. */
  private static final CircuitSettings DEFAULTS =
      ScriptPlans.circuit(new ConfigLoader(Path.of(".")).defaults());

  private final SteppedClock clock = new SteppedClock();
  private final CircuitBreaker breaker = new CircuitBreaker(DEFAULTS, clock);

  private void record(int successes, int failures) {
    for (int i = 0; i < successes; i++) {
      breaker.record(true);
    }
    for (int i = 0; i < failures; i++) {
      breaker.record(false);
    }
  }

  @Test
  void staysClosedBeforeMinRequestsEvenWhenAllFail() {
    record(0, 9);

    assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.tryAcquire()).isEqualTo(new CircuitAdmission.Allowed(false));
  }

  @Test
  void opensWhenHalfOfTenFail() {
    record(5, 4);
    assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.CLOSED);

    record(0, 1);

    CircuitSnapshot snapshot = breaker.snapshot();
    assertThat(snapshot.state()).isEqualTo(CircuitState.OPEN);
    assertThat(snapshot.outcomes()).isEqualTo(10);
    assertThat(snapshot.failures()).isEqualTo(5);
    assertThat(snapshot.openedAt()).contains(clock.instant());
    assertThat(snapshot.timesOpened()).isEqualTo(1);
  }

  @Test
  void windowForgetsOutcomesOlderThanTwenty() {
    record(0, 4);
    record(16, 0);
    // The window now holds 4 failures and 16 successes; 20 more successes push the failures out.
    record(20, 0);
    assertThat(breaker.snapshot().failures()).isZero();

    record(0, 9);
    assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.CLOSED);
    record(0, 1);
    assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void refusesWhileOpenWithTheRemainingTimeAsRetryAfter() {
    record(0, 10);
    clock.advance(Duration.ofMillis(2_500));

    assertThat(breaker.tryAcquire())
        .isEqualTo(new CircuitAdmission.Refused(Duration.ofMillis(7_500)));
  }

  @Test
  void letsOneProbeThroughAfterOpenForAndItsSuccessCloses() {
    record(0, 10);
    clock.advance(Duration.ofSeconds(10));

    assertThat(breaker.tryAcquire()).isEqualTo(new CircuitAdmission.Allowed(true));
    assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isInstanceOf(CircuitAdmission.Refused.class);

    breaker.record(true);

    assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.snapshot().outcomes()).isZero();
    assertThat(breaker.tryAcquire()).isEqualTo(new CircuitAdmission.Allowed(false));
  }

  @Test
  void lateOutcomeOfARequestLetInBeforeOpeningDoesNotDecideTheProbe() {
    CircuitAdmission.Allowed early = (CircuitAdmission.Allowed) breaker.tryAcquire();
    record(0, 10);
    clock.advance(Duration.ofSeconds(10));
    CircuitAdmission.Allowed probe = (CircuitAdmission.Allowed) breaker.tryAcquire();

    breaker.record(early, true);
    assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.HALF_OPEN);
    breaker.record(probe, true);

    assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void failedProbeReopensForAnotherFullPeriod() {
    record(0, 10);
    clock.advance(Duration.ofSeconds(11));
    assertThat(breaker.tryAcquire()).isEqualTo(new CircuitAdmission.Allowed(true));

    breaker.record(false);

    assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.snapshot().timesOpened()).isEqualTo(2);
    assertThat(breaker.tryAcquire())
        .isEqualTo(new CircuitAdmission.Refused(Duration.ofSeconds(10)));
  }

  @Test
  void probeThatNeverReportsExpiresSoTheCircuitCannotStickHalfOpen() {
    record(0, 10);
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.tryAcquire()).isEqualTo(new CircuitAdmission.Allowed(true));
    clock.advance(Duration.ofSeconds(4));
    assertThat(breaker.tryAcquire())
        .isEqualTo(new CircuitAdmission.Refused(Duration.ofSeconds(6)));

    clock.advance(Duration.ofSeconds(6));

    assertThat(breaker.tryAcquire()).isEqualTo(new CircuitAdmission.Allowed(true));
  }

  @Test
  void registryKeepsOneBreakerPerScriptAndSnapshotsThemAll() {
    CircuitBreakers breakers = new CircuitBreakers(DEFAULTS, clock);
    for (int i = 0; i < 10; i++) {
      breakers.forScript("/srv/cgi-bin/bad.pl").record(false);
    }
    breakers.forScript("/srv/cgi-bin/good.pl").record(true);

    assertThat(breakers.forScript("/srv/cgi-bin/bad.pl"))
        .isSameAs(breakers.forScript("/srv/cgi-bin/bad.pl"));
    assertThat(breakers.snapshot()).containsOnlyKeys("/srv/cgi-bin/bad.pl", "/srv/cgi-bin/good.pl");
    assertThat(breakers.snapshot().get("/srv/cgi-bin/bad.pl").state()).isEqualTo(CircuitState.OPEN);
    assertThat(breakers.snapshot().get("/srv/cgi-bin/good.pl").state())
        .isEqualTo(CircuitState.CLOSED);
  }
}
