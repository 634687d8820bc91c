package io.cgiguard.attempt;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One periodic task that runs the timed checks of every request in flight: the header timeout
 * while a header block is read, the idle, total and linger limits while a body is relayed. The
 * gateway has one, shared by every site and kept across reloads.
 *
 * <p>Why not a scheduled task per request: a task that becomes the earliest in a
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor} wakes its thread, and with two tasks per
 * request that was two context switches per request on the gateway's hottest path. Registering a
 * check here is an insertion into a concurrent set; the price is that a limit fires up to one
 * period late.
 *
 * <p>While nothing is watched the rounds stop: after {@link #IDLE_ROUNDS} rounds without a check
 * the periodic task is cancelled, and the next {@link #watch} schedules it again. An idle gateway
 * then has no timer waking it (each wake-up of a sleeping thread costs tens of microseconds of CPU
 * on a virtual machine), while under load, when some request is almost always watched, the task
 * keeps running and a registration costs no scheduling.
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

  /** Rounds in a row with nothing to check after which the rounds stop until the next watch. */
  static final int IDLE_ROUNDS = 20;

  private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

  private final Set<Check> checks = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timers;
  private final long periodNanos;
  /** Guards {@link #rounds}: a watch and the round that stops the rounds never miss each other. */
  private final Object lock = new Object();
  /** The scheduled rounds, or null while stopped; guarded by {@link #lock}. */
  private ScheduledFuture<?> rounds;
  /** Rounds in a row that found nothing to check; touched by the rounds alone, one at a time. */
  private int idleRounds;

  /** Runs every registered check each {@code period} on {@code timers}, until they shut down. */
  public Watchdog(ScheduledExecutorService timers, Duration period) {
    this.timers = timers;
    this.periodNanos = period.toNanos();
  }

  /** Runs {@code check} each period until the returned registration is closed. */
  public Registration watch(Check check) {
    checks.add(check);
    synchronized (lock) {
      if (rounds == null) {
        try {
          rounds = timers.scheduleWithFixedDelay(this::round, periodNanos, periodNanos,
              TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
          // The gateway is stopping: nothing is timed any more, as before a shutdown.
          LOG.debug("timers shut down; {} is not watched", check);
        }
      }
    }
    return () -> checks.remove(check);
  }

  /** @return whether rounds are scheduled: something is watched, or was within the last rounds */
  boolean running() {
    synchronized (lock) {
      return rounds != null;
    }
  }

  private void round() {
    if (checks.isEmpty()) {
      if (++idleRounds >= IDLE_ROUNDS) {
        synchronized (lock) {
          // Under the lock: a watch that added its check before this look finds the rounds
          // still scheduled; one that adds it after finds them stopped and starts them again.
          if (checks.isEmpty() && rounds != null) {
            rounds.cancel(false);
            rounds = null;
            idleRounds = 0;
          }
        }
      }
      return;
    }
    idleRounds = 0;
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
