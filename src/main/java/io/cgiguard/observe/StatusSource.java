package io.cgiguard.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Takes a {@link StatusSnapshot} of the live gateway each time {@code /-/status} is asked for:
 * fixed facts (version, launcher, start instant) given once, counts from {@link GatewayMetrics},
 * failures from {@link RecentFailures}, and live state from suppliers the gateway passes in.
 *
 * <p>The clock is injected so that uptime can be tested without waiting.
 */
public final class StatusSource implements Supplier<StatusSnapshot> {

  private final Clock clock;
  private final Instant started;
  private final String version;
  private final LauncherView launcher;
  private final MetricSources live;
  private final Supplier<List<CircuitView>> circuits;
  private final GatewayMetrics metrics;
  private final RecentFailures failures;
  private final Supplier<CapacityView> capacity;

  /**
   * @param clock the gateway's clock; start-up is its instant now
   * @param version the gateway's version
   * @param launcher the launcher and the limits it enforces
   * @param live running and queued counts (its circuit map is not used here)
   * @param circuits every script's breaker with its counts
   * @param metrics where the totals come from
   * @param failures where the recent failures come from
   */
  public StatusSource(
      Clock clock,
      String version,
      LauncherView launcher,
      MetricSources live,
      Supplier<List<CircuitView>> circuits,
      GatewayMetrics metrics,
      RecentFailures failures) {
    this(clock, version, launcher, live, circuits, metrics, failures, () -> CapacityView.UNKNOWN);
  }

  /** As above, with the running limit and headroom read at each snapshot from {@code capacity}. */
  public StatusSource(
      Clock clock,
      String version,
      LauncherView launcher,
      MetricSources live,
      Supplier<List<CircuitView>> circuits,
      GatewayMetrics metrics,
      RecentFailures failures,
      Supplier<CapacityView> capacity) {
    this.capacity = Objects.requireNonNull(capacity, "capacity");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.started = clock.instant();
    this.version = Objects.requireNonNull(version, "version");
    this.launcher = Objects.requireNonNull(launcher, "launcher");
    this.live = Objects.requireNonNull(live, "live");
    this.circuits = Objects.requireNonNull(circuits, "circuits");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.failures = Objects.requireNonNull(failures, "failures");
  }

  /** @return the gateway as it is now */
  @Override
  public StatusSnapshot get() {
    Instant now = clock.instant();
    return new StatusSnapshot(
        now,
        Duration.between(started, now),
        version,
        launcher,
        live.running().getAsInt(),
        live.queued().getAsInt(),
        circuits.get(),
        metrics.totals(),
        failures.newestFirst(),
        capacity.get());
  }
}
