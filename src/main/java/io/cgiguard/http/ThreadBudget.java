package io.cgiguard.http;

import io.cgiguard.capacity.CapacityPlan;
import io.cgiguard.config.GatewayConfig;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Every thread a request can need exists before the first request: when the machine cannot start
 * another process it cannot start another thread either (a thread is a task to RLIMIT_NPROC and
 * to a cgroup's pids.max), and a pool that grows on demand then fails in the middle of a request.
 *
 * <ul>
 *   <li>Jetty's pool is started full and never grows or shrinks: one thread for each script that
 *       may run ({@code [concurrency] max-running}), plus {@link CapacityPlan#JETTY_OWN} for the
 *       acceptor, the selectors, reserved threads and requests that run no script (static files,
 *       admin), capped by {@code [server] max-threads}. A request waiting in the bulkhead's queue
 *       holds no thread (it is a callback there until a slot is its). A request beyond waits in
 *       Jetty's job queue for a thread rather than asking for a new one; Jetty's acceptor and selectors are jobs of this pool, not threads of their
 *       own, and the pool starts a thread only below its minimum, which it never is.
 *   <li>Jetty's scheduler (idle timeouts) and the gateway's timers run their one or two threads
 *       from start-up on.
 *   <li>The stdin pumps are one per script that may run, with a small stack: a pump copies bytes.
 * </ul>
 */
final class ThreadBudget {

  /** A pump only copies a body into a pipe; a small stack keeps many of them cheap. */
  private static final long PUMP_STACK_BYTES = 256 * 1024;

  private ThreadBudget() {}

  /** @return Jetty's pool size, as {@link CapacityPlan#requestThreads} says */
  static int requestThreads(GatewayConfig.Server server, GatewayConfig.Concurrency concurrency) {
    return CapacityPlan.requestThreads(server.maxThreads(), concurrency.maxRunning());
  }

  /** @return Jetty's pool of {@code threads} threads, all started with the server */
  static QueuedThreadPool pool(int threads) {
    QueuedThreadPool pool = new QueuedThreadPool(threads, threads);
    pool.setName("cgiguard-http");
    pool.setDaemon(true);
    return pool;
  }

  /**
   * @return Jetty's scheduler (idle timeouts), whose thread starts with the server; it looks at
   *     its tasks at least once a second, and a connection's idle timeout, due later, never wakes it
   */
  static QuietScheduler scheduler() {
    return new QuietScheduler("cgiguard-jetty-scheduler", TimeUnit.SECONDS.toNanos(1));
  }

  /** @return the gateway's timers (watchdog rounds, delayed kills), both threads started */
  static ScheduledExecutorService timers() {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2,
        daemon("cgiguard-timer-", 0));
    timers.setRemoveOnCancelPolicy(true);
    timers.prestartAllCoreThreads();
    return timers;
  }

  /** @return one started pump per script that may run at once */
  static ExecutorService pumps(int maxRunning) {
    ThreadPoolExecutor pumps = new ThreadPoolExecutor(maxRunning, maxRunning, 0,
        TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), daemon("cgiguard-stdin-",
            PUMP_STACK_BYTES));
    pumps.prestartAllCoreThreads();
    return pumps;
  }

  private static ThreadFactory daemon(String prefix, long stackBytes) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(null, runnable, prefix + counter.incrementAndGet(), stackBytes);
      thread.setDaemon(true);
      return thread;
    };
  }
}
