package io.cgiguard.observe;

import java.util.List;
import java.util.Objects;

/**
 * Everything the dashboard at {@code /-/} shows, taken at one instant: the status page's facts
 * plus the per-second series, the processes running now and the bulkhead's limits.
 *
 * @param status what {@code /-/status} shows
 * @param live requests and failures per second, and latency per script
 * @param running the script processes running now, oldest first
 * @param maxRunning scripts that may run at once, all scripts together
 * @param maxPerScript scripts that may run at once, one script
 * @param queueLimit requests that may wait for a slot
 */
public record DashboardSnapshot(StatusSnapshot status, LiveSeries.View live,
    List<RunningScript> running, int maxRunning, int maxPerScript, int queueLimit) {

  public DashboardSnapshot {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(live, "live");
    running = List.copyOf(running);
  }
}
