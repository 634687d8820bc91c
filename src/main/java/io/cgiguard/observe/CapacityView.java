package io.cgiguard.observe;

import java.util.List;
import java.util.Objects;

/**
 * How close the gateway is to the limits on processes and memory, for {@code /-/status} and
 * {@code /-/metrics}: the bulkhead's running limit (lowered during a shortage), whether a shortage
 * episode runs and why, and the headroom under each limit that was read.
 *
 * @param runningLimit how many scripts may run at once now
 * @param maxRunning {@code [concurrency] max-running}, the limit outside a shortage
 * @param lowestRunningLimit the lowest the running limit went since start-up
 * @param shortage whether spawns are failing for lack of processes now
 * @param cause what the current or latest shortage was, empty before the first
 * @param episodes shortage episodes since start-up
 * @param bounds each limit read, with its use
 */
public record CapacityView(int runningLimit, int maxRunning, int lowestRunningLimit,
    boolean shortage, String cause, long episodes, List<Headroom> bounds) {

  /** Nothing known: for snapshots made without a live gateway. */
  public static final CapacityView UNKNOWN = new CapacityView(0, 0, 0, false, "", 0,
      List.of());

  public CapacityView {
    Objects.requireNonNull(cause, "cause");
    bounds = List.copyOf(bounds);
  }

  /**
   * One limit and its use.
   *
   * @param name such as {@code cgroup pids.max} or {@code RLIMIT_NPROC of uid 65534}
   * @param resource {@code tasks} or {@code memory}
   * @param limit the limit, in tasks or bytes
   * @param used in use now, in the same unit
   */
  public record Headroom(String name, String resource, long limit, long used) {
    /** @return how many more tasks (or bytes) fit, never negative */
    public long headroom() {
      return Math.max(0, limit - used);
    }
  }
}
