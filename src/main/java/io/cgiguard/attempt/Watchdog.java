package io.cgiguard.attempt;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One periodic task that runs the timed checks of every request in flight: the header timeout
 * while a header block is read, the idle, total and linger limits while a body is relayed.
 *
 * <p>Why not a scheduled task per request: a task that becomes the earliest in a
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor} wakes its thread, and with two tasks per
 * request that was two context switches per request on the gateway's hottest path. Registering a
 * check here is an insertion into a concurrent set; the price is that a limit fires up to one
 * period late.
 */
public final class Watchdog {
  /** A timed check; it must return quickly and never block. */
  @FunctionalInterface
  public interface Check {
    /** @param nowNanos {@link System#nanoTime()} of this round */
    void check(long nowNanos);
  }

  /** Ends a {@link Check}'s registration. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

  private final Set<Check> checks = ConcurrentHashMap.newKeySet();

  /** Runs every registered check each {@code period} on {@code timers}, until they shut down. */
  public Watchdog(ScheduledExecutorService timers, Duration period) {
    timers.scheduleWithFixedDelay(this::round, period.toNanos(), period.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /** Runs {@code check} each period until the returned registration is closed. */
  public Registration watch(Check check) {
    checks.add(check);
    return () -> checks.remove(check);
  }

  private void round() {
    long now = System.nanoTime();
    for (Check check : checks) {
      try {
        check.check(now);
      } catch (RuntimeException e) {
        // One faulty check must not stop the others, nor the periodic task itself.
        LOG.warn("a timed check failed", e);
      }
    }
  }
}
