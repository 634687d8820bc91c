package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The objective's grammar, and the search's steps over a target whose latency is a known function
 * of the offered rate (the real target is in {@code MaxRateSearchTest}).
 */
class RateSearchTest {

  @Test
  void anObjectiveReadsAsPeopleWriteIt() {
    Slo slo = Slo.parse(" p99 < 200ms , p99.9<1.5s,failures<0.1% ");
    assertThat(slo.latencyBounds()).containsExactly(new Slo.LatencyBound(99, 200),
        new Slo.LatencyBound(99.9, 1500));
    assertThat(slo.maxFailureRate()).isEqualTo(0.001);
    assertThat(Slo.parse("failures<0.02").maxFailureRate()).isEqualTo(0.02);
    assertThat(Slo.parse("p50<10ms").maxFailureRate()).isEqualTo(1);
  }

  @Test
  void aBadObjectiveNamesItsTerm() {
    assertThatThrownBy(() -> Slo.parse("p99<200ms,latency<3")).hasMessageContaining("'latency<3'");
    assertThatThrownBy(() -> Slo.parse("failures<150%")).hasMessageContaining("above 100 %");
    assertThatThrownBy(() -> Slo.parse("p99<200")).hasMessageContaining("'p99<200'");
  }

  @Test
  void aStepBreaksOnTheFirstTermItMisses() {
    Slo slo = Slo.parse("p99<200ms,failures<1%");
    assertThat(slo.broken(result(100, 150, 0))).isEmpty();
    assertThat(slo.broken(result(100, 250, 0))).get().asString().startsWith("p99 ");
    assertThat(slo.broken(result(100, 150, 2))).get().asString().startsWith("failures 2.000 %");
    assertThat(slo.broken(result(0, 0, 0))).hasValue("no request completed");
  }

  @Test
  void climbsThenBisectsToWithinFivePercent() throws Exception {
    // Latency 100 ms up to 37/s and 300 ms past it: the objective p99<200ms holds up to 37/s.
    List<Double> tried = new ArrayList<>();
    RateSearch search = new RateSearch(Slo.parse("p99<200ms"), 5, rate -> {
      tried.add(rate);
      return result(100, rate <= 37 ? 100 : 300, 0);
    }, 0);
    RateSearch.Outcome outcome = search.run();
    assertThat(tried.subList(0, 5)).containsExactly(5.0, 10.0, 20.0, 40.0, 30.0);
    assertThat(outcome.maxRatePerSecond()).isBetween(37 * 0.95, 37.0);
    assertThat(outcome.steps()).hasSizeLessThanOrEqualTo(RateSearch.MAX_STEPS);
    assertThat(outcome.best().ratePerSecond()).isEqualTo(outcome.maxRatePerSecond());
  }

  @Test
  void aTargetThatHoldsNothingEndsWithNoMaximum() throws Exception {
    RateSearch search = new RateSearch(Slo.parse("p99<200ms"), 4,
        rate -> result(10, 900, 0), 0);
    RateSearch.Outcome outcome = search.run();
    assertThat(outcome.maxRatePerSecond()).isZero();
    assertThat(outcome.steps()).extracting(RateSearch.Step::ratePerSecond)
        .containsExactly(4.0, 2.0, 1.0, 0.5);
  }

  /** A result of {@code requests} at one latency, {@code failed} of them failures. */
  private static LoadResult result(int requests, double latencyMillis, int failed) {
    WorkerTally tally = new WorkerTally();
    for (int i = 0; i < requests; i++) {
      tally.record(0, (long) (latencyMillis * 1000), i < failed ? "empty-reply"
          : ReplyClassifier.OK, 0);
    }
    return LoadResult.merge("http://x/", "open", 1, 1, Duration.ofSeconds(1), List.of(tally));
  }
}
