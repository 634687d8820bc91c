package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.SteppedClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StatusSourceTest {

  @Test
  void snapshotGathersLiveStateCountsAndFailures() {
    SteppedClock clock = new SteppedClock();
    AtomicInteger running = new AtomicInteger(2);
    List<CircuitView> circuits = List.of(new CircuitView("a.cgi", CircuitState.OPEN, 5, 5));
    MetricSources live = new MetricSources(running::get, () -> 1,
        () -> CircuitView.states(circuits));
    GatewayMetrics metrics = new GatewayMetrics(live);
    RecentFailures failures = new RecentFailures(10);
    StatusSource source = new StatusSource(clock, "0.1.0",
        new LauncherView("jdk", List.of(), List.of("cpu-time")), live, () -> circuits, metrics,
        failures);

    metrics.recordRequest("a.cgi", "exited-before-headers", Duration.ofMillis(3));
    failures.record(new FailureRecord(clock.instant(), "r1", "GET", "/cgi-bin/a.cgi", "a.cgi",
        "exited-before-headers", 502, 1, "", "", "", "", "exit 1"));
    clock.advance(Duration.ofMinutes(90));
    running.set(0);
    StatusSnapshot status = source.get();

    assertThat(status.takenAt()).isEqualTo(clock.instant());
    assertThat(status.uptime()).isEqualTo(Duration.ofMinutes(90));
    assertThat(status.uptimeText()).isEqualTo("1h 30m 0s");
    assertThat(status.running()).isZero();
    assertThat(status.queued()).isEqualTo(1);
    assertThat(status.circuits()).containsExactlyElementsOf(circuits);
    assertThat(status.totals().failed()).isEqualTo(1);
    assertThat(status.recentFailures()).extracting(FailureRecord::requestId).containsExactly("r1");
  }

  @Test
  void metricsCanBeFedFromTheSameCircuitViews() {
    List<CircuitView> circuits = List.of(
        new CircuitView("a.cgi", CircuitState.HALF_OPEN, 1, 3),
        new CircuitView("b.cgi", CircuitState.CLOSED, 0, 3));
    GatewayMetrics metrics = new GatewayMetrics(
        new MetricSources(() -> 0, () -> 0, () -> CircuitView.states(circuits)));

    Exposition text = Exposition.parse(metrics.scrape());

    assertThat(text.value("cgiguard_circuit_state", "script", "a.cgi")).isEqualTo(1.0);
    assertThat(text.value("cgiguard_circuit_state", "script", "b.cgi")).isEqualTo(0.0);
  }
}
