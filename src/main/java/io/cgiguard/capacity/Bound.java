package io.cgiguard.capacity;

import java.util.Locale;

/**
 * One limit on processes (tasks, threads included) or memory, with what is in use under it.
 *
 * @param name how an operator knows the limit, such as {@code cgroup pids.max}
 * @param resource what it counts
 * @param limit the limit, in tasks or bytes
 * @param used what is in use now, in the same unit
 */
public record Bound(String name, Resource resource, long limit, long used) {

  /** What a bound counts. */
  public enum Resource {
    /** Processes and threads: each one is a task of the kernel. */
    TASKS,
    /** Bytes of memory. */
    MEMORY
  }

  /** @return how many more tasks (or bytes) fit, never negative */
  public long headroom() {
    return Math.max(0, limit - used);
  }

  /** @return the share of the limit in use, from 0 to 1 (or more, when over it) */
  public double fill() {
    return limit <= 0 ? 1.0 : (double) used / limit;
  }

  /** @return the bound in words, such as {@code cgroup pids.max 38 (37 in use)} */
  public String describe() {
    return resource == Resource.TASKS
        ? name + " " + limit + " (" + used + " in use)"
        : name + " " + mebibytes(limit) + " (" + mebibytes(used) + " in use)";
  }

  /** @return the limit's value in words, such as {@code 38} or {@code 512 MiB} */
  public String limitText() {
    return resource == Resource.TASKS ? Long.toString(limit) : mebibytes(limit);
  }

  static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
  }
}
