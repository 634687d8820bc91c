package io.cgiguard.capacity;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the limits leave room for what the configuration lets the gateway start: {@code
 * max-running} scripts of {@link #TASKS_PER_SCRIPT} tasks each, plus the gateway's own threads
 * when it is not running yet. A plan that does not fit gives one warning per bound, with the two
 * ways out.
 *
 * @param maxRunning {@code [concurrency] max-running}
 * @param gatewayTasksToCome threads the gateway will start that the bounds do not count yet (0
 *     when it already runs and its threads are counted)
 */
public record CapacityPlan(int maxRunning, int gatewayTasksToCome) {

  /**
   * Tasks one running script is assumed to take: itself and one child, the common shape of a
   * shell script running one command. A script that starts more needs more.
   */
  public static final int TASKS_PER_SCRIPT = 2;

  /** Jetty's threads that serve no script: acceptor, selectors, reserved threads, static files. */
  public static final int JETTY_OWN = 16;
  /**
   * Threads of a running gateway besides Jetty's pool and the stdin pumps: the JVM's own (garbage
   * collector, compilers, signal handling), timers, the reap loop, the kill scheduler, the threads
   * that take the operator's signals and run a reload or a drain.
   */
  public static final int GATEWAY_OWN = 32;

  /**
   * @return the size of Jetty's pool: a thread for each script that may run, plus {@link
   *     #JETTY_OWN}, at most {@code maxThreads}. A request waiting in the queue for a slot holds
   *     no thread, so the queue's length does not count.
   */
  public static int requestThreads(int maxThreads, int maxRunning) {
    return (int) Math.min(maxThreads, (long) maxRunning + JETTY_OWN);
  }

  /** @return the threads of a gateway started with these settings: pool, pumps and its own */
  public static int gatewayThreads(int maxThreads, int maxRunning) {
    return requestThreads(maxThreads, maxRunning) + maxRunning + GATEWAY_OWN;
  }

  /** @return tasks the scripts may need at once */
  public long scriptTasks() {
    return (long) maxRunning * TASKS_PER_SCRIPT;
  }

  /** @return one line per bound that the plan can exceed; empty when everything fits */
  public List<String> warnings(Capacity capacity) {
    List<String> warnings = new ArrayList<>();
    long needed = scriptTasks() + gatewayTasksToCome;
    for (Bound bound : capacity.bounds()) {
      if (bound.resource() != Bound.Resource.TASKS || bound.headroom() >= needed) {
        continue;
      }
      long scriptsThatFit = Math.max(0, bound.headroom() - gatewayTasksToCome) / TASKS_PER_SCRIPT;
      String lower = scriptsThatFit > 0 ? "set max-running to at most " + scriptsThatFit
          : "lower [server] max-threads (the gateway's threads alone do not fit)";
      warnings.add(bound.describe() + " leaves room for " + bound.headroom() + " more tasks, but "
          + "[concurrency] max-running = " + maxRunning + " scripts may take " + scriptTasks()
          + " (" + TASKS_PER_SCRIPT + " each)"
          + (gatewayTasksToCome > 0 ? " and the gateway " + gatewayTasksToCome + " threads" : "")
          + ": " + lower + " or raise the limit to at least " + (bound.used() + needed)
          + "; until then a shortage answers 503 with Retry-After");
    }
    return warnings;
  }
}
