package io.cgiguard.launch.common;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one launcher: reapers (one busy per live script, blocked in wait), stderr drains
 * (one busy per live script) and a single scheduler for delayed kills. The JDK launcher uses all
 * three; the POSIX launcher only the scheduler, as its reap loop waits for every script at once.
 * The scheduler's one thread runs from the start; idle reapers and drains are reused and die after
 * a short keep-alive, so none outlives the process it served for long. All stop when the launcher
 * closes.
 */
public final class LaunchThreads implements AutoCloseable {
  private static final long KEEP_ALIVE_SECONDS = 5;

  private final ExecutorService reapers = cached("cgiguard-reaper-");
  private final ExecutorService drains = cached("cgiguard-stderr-");
  private final ScheduledExecutorService scheduler = newScheduler();

  /** Threads that wait for scripts to end. */
  public ExecutorService reapers() {
    return reapers;
  }

  /** Threads that drain stderr. */
  public ExecutorService drains() {
    return drains;
  }

  /** The one thread for timed actions such as the SIGKILL after a grace period. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Stops accepting work; running reapers and drains end with their processes. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    reapers.shutdown();
    drains.shutdown();
  }

  private static ExecutorService cached(String prefix) {
    return new ThreadPoolExecutor(
        0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
        daemons(prefix));
  }

  private static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, daemons("cgiguard-killer-"));
    executor.setRemoveOnCancelPolicy(true);
    // Started now and kept: a delayed kill must never wait for a thread the machine may not be
    // able to make (during a process shortage it cannot).
    executor.prestartAllCoreThreads();
    return executor;
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger next = new AtomicInteger(1);
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + next.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    };
  }
}
