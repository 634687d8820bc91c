package io.cgiguard.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code /-/status} shows, taken at one instant: the input of {@link StatusJson} and
 * {@link StatusPage}. Plain values only, so the HTTP layer can build one from whatever it has and
 * tests can build one by hand; {@link StatusSource} builds one from the live gateway.
 *
 * @param takenAt when the snapshot was taken
 * @param uptime how long the gateway has been serving
 * @param version the gateway's version
 * @param launcher the launcher and the limits it enforces
 * @param running scripts running now
 * @param queued requests waiting for a slot
 * @param circuits every script's circuit breaker that has seen a request
 * @param totals counts since start-up
 * @param recentFailures the last failed requests, newest first
 * @param capacity the running limit and the headroom under the limits on processes and memory
 */
public record StatusSnapshot(
    Instant takenAt,
    Duration uptime,
    String version,
    LauncherView launcher,
    int running,
    int queued,
    List<CircuitView> circuits,
    Totals totals,
    List<FailureRecord> recentFailures,
    CapacityView capacity) {

  public StatusSnapshot {
    Objects.requireNonNull(capacity, "capacity");
    Objects.requireNonNull(takenAt, "takenAt");
    Objects.requireNonNull(uptime, "uptime");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(totals, "totals");
    circuits = List.copyOf(circuits);
    recentFailures = List.copyOf(recentFailures);
  }

  /** A snapshot without capacity facts, for tools that run no gateway. */
  public StatusSnapshot(Instant takenAt, Duration uptime, String version, LauncherView launcher,
      int running, int queued, List<CircuitView> circuits, Totals totals,
      List<FailureRecord> recentFailures) {
    this(takenAt, uptime, version, launcher, running, queued, circuits, totals, recentFailures,
        CapacityView.UNKNOWN);
  }

  /** @return the uptime for people, such as {@code 2d 3h 4m 5s}, leading zero units left out */
  public String uptimeText() {
    long seconds = Math.max(0, uptime.getSeconds());
    long days = seconds / 86_400;
    long hours = seconds / 3_600 % 24;
    long minutes = seconds / 60 % 60;
    StringBuilder text = new StringBuilder();
    if (days > 0) {
      text.append(days).append("d ");
    }
    if (days > 0 || hours > 0) {
      text.append(hours).append("h ");
    }
    if (days > 0 || hours > 0 || minutes > 0) {
      text.append(minutes).append("m ");
    }
    return text.append(seconds % 60).append('s').toString();
  }
}
