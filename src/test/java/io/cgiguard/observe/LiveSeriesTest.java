package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The dashboard's per-second series under a clock the test moves. */
class LiveSeriesTest {

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-03-01T12:00:00.250Z"));
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };

  private void advance(Duration step) {
    now.set(now.get().plus(step));
  }

  @Test
  void eachSecondKeepsItsRequestsAndFailuresByKind() {
    LiveSeries series = new LiveSeries(clock);
    series.record("/a.sh", GatewayMetrics.OK, Duration.ofMillis(10));
    series.record("/a.sh", "exited-before-headers", Duration.ofMillis(30));
    advance(Duration.ofSeconds(2));
    series.record("/b.sh", "header-timeout", Duration.ofSeconds(5));

    LiveSeries.View view = series.view();
    List<LiveSeries.Second> seconds = view.seconds();
    assertThat(seconds).hasSize(LiveSeries.SECONDS);
    LiveSeries.Second last = seconds.get(seconds.size() - 1);
    LiveSeries.Second twoBefore = seconds.get(seconds.size() - 3);
    assertThat(last.requests()).isEqualTo(1);
    assertThat(last.failuresByKind()).containsExactlyEntriesOf(java.util.Map.of(
        "header-timeout", 1L));
    assertThat(twoBefore.requests()).isEqualTo(2);
    assertThat(twoBefore.failures()).isEqualTo(1);
    assertThat(view.kinds()).containsExactly("exited-before-headers", "header-timeout");
    assertThat(view.failuresByKind().get("exited-before-headers")[LiveSeries.SECONDS - 3])
        .isEqualTo(1);
    // Ties on failures go to the busier script; every row has its own percentiles.
    assertThat(view.scripts()).extracting(LiveSeries.ScriptLatency::script)
        .containsExactly("/a.sh", "/b.sh");
    assertThat(view.scripts().get(1).p99Millis()).isBetween(4900.0, 5100.0);
  }

  @Test
  void oldSecondsFallOutOfTheWindowAndRecentDropsTheEmptyStart() {
    LiveSeries series = new LiveSeries(clock);
    series.record("/a.sh", "killed-before-headers", Duration.ZERO);
    advance(Duration.ofSeconds(LiveSeries.SECONDS));
    assertThat(series.view().kinds()).isEmpty();
    series.record("/a.sh", GatewayMetrics.OK, Duration.ZERO);
    advance(Duration.ofSeconds(90));
    LiveSeries.View recent = series.view().recent();
    assertThat(recent.seconds()).hasSize(91);
    assertThat(recent.seconds().get(0).requests()).isEqualTo(1);
    advance(Duration.ofSeconds(LiveSeries.SECONDS));
    assertThat(series.view().recent().seconds()).hasSize(LiveSeries.SHORTEST_RECENT);
  }

  @Test
  void aFloodOfScriptNamesIsFoldedIntoOther() {
    LiveSeries series = new LiveSeries(clock);
    for (int i = 0; i < LiveSeries.SCRIPT_CAP + 50; i++) {
      series.record("/s" + i + ".sh", GatewayMetrics.OK, Duration.ZERO);
    }
    List<LiveSeries.ScriptLatency> scripts = series.view().scripts();
    assertThat(scripts).hasSize(LiveSeries.SCRIPT_CAP + 1);
    assertThat(scripts.get(0).script()).isEqualTo("other");
    assertThat(scripts.get(0).requests()).isEqualTo(50);
  }
}
