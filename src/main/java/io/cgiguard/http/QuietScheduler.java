package io.cgiguard.http;

import java.util.Comparator;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's scheduler (connection idle timeouts) on one thread that is woken only when a new task
 * is due before the thread's next planned look; otherwise it looks at least once every {@code
 * maxSleep}.
 *
 * <p>Jetty's own {@code ScheduledExecutorScheduler} wakes its thread whenever a task becomes the
 * earliest in its queue. Every new connection schedules its idle timeout, and with connections that
 * carry one request each (nginx's FastCGI connections unless told to keep them, HTTP clients
 * without keep-alive) the queue is empty between them: each connection's timeout was the earliest,
 * and woke the thread only for it to go back to sleep for the length of the timeout. Here a
 * timeout of seconds is simply added: the thread, due to look within {@code maxSleep} anyway, takes
 * it into account then. A task due sooner than that wakes the thread, so no task runs later than
 * it would have; tasks run on the scheduler's thread, in the order of their deadlines.
 */
final class QuietScheduler extends AbstractLifeCycle implements Scheduler {

  private static final Logger LOG = LoggerFactory.getLogger(QuietScheduler.class);

  private final String name;
  private final long maxSleepNanos;
  private final ConcurrentSkipListSet<Timed> tasks = new ConcurrentSkipListSet<>(
      Comparator.comparingLong((Timed t) -> t.deadline).thenComparingLong(t -> t.sequence));
  private final AtomicLong sequence = new AtomicLong();
  /** When the thread will look next, by {@link System#nanoTime()}; it is woken for sooner. */
  private volatile long nextLook;
  private volatile Thread thread;
  /** How many times the thread has looked at its tasks, for tests. */
  private final AtomicLong looks = new AtomicLong();

  /**
   * @param name the thread's name
   * @param maxSleepNanos the longest the thread sleeps without looking
   */
  QuietScheduler(String name, long maxSleepNanos) {
    this.name = name;
    this.maxSleepNanos = maxSleepNanos;
  }

  @Override
  protected void doStart() {
    nextLook = System.nanoTime();
    Thread started = new Thread(this::run, name);
    started.setDaemon(true);
    thread = started;
    started.start();
  }

  @Override
  protected void doStop() throws InterruptedException {
    Thread running = thread;
    thread = null;
    if (running != null) {
      running.interrupt();
      running.join(5_000);
    }
    tasks.clear();
  }

  @Override
  public Task schedule(Runnable task, long delay, TimeUnit units) {
    long now = System.nanoTime();
    Timed timed = new Timed(task, now + Math.max(0, units.toNanos(delay)),
        sequence.getAndIncrement());
    tasks.add(timed);
    // The thread writes nextLook before it looks at the tasks, and this reads it after adding:
    // either the thread sees this task, or this sees a nextLook it must wake the thread for.
    if (timed.deadline - nextLook < 0) {
      Thread running = thread;
      if (running != null) {
        LockSupport.unpark(running);
      }
    }
    return timed;
  }

  private void run() {
    while (thread == Thread.currentThread()) {
      looks.incrementAndGet();
      long now = System.nanoTime();
      Timed due;
      while ((due = firstDue(now)) != null) {
        if (due.claim()) {
          try {
            due.task.run();
          } catch (RuntimeException | Error e) {
            LOG.warn("a scheduled task of {} failed", name, e);
          }
        }
        now = System.nanoTime();
      }
      long wake = now + maxSleepNanos;
      nextLook = wake;
      Timed first = firstOrNull();
      if (first != null && first.deadline - wake < 0) {
        wake = first.deadline;
        nextLook = wake;
      }
      long sleep = wake - System.nanoTime();
      if (sleep > 0) {
        LockSupport.parkNanos(this, sleep);
      }
      // An interrupt is the stop (the loop's condition ends it); a park would not wait with it set.
      Thread.interrupted();
    }
  }

  /** @return the earliest task if it is due at {@code now}, taken out of the set; else null */
  private Timed firstDue(long now) {
    Timed first;
    while ((first = firstOrNull()) != null && first.deadline - now <= 0) {
      if (tasks.remove(first)) {
        return first;
      }
    }
    return null;
  }

  private Timed firstOrNull() {
    try {
      return tasks.first();
    } catch (NoSuchElementException empty) {
      return null;
    }
  }

  /** @return how many times the thread has looked at its tasks since it started */
  long looks() {
    return looks.get();
  }

  /** @return the tasks waiting */
  int waiting() {
    return tasks.size();
  }

  @Override
  public String toString() {
    return name + "{" + tasks.size() + " waiting}";
  }

  private final class Timed implements Task {
    final Runnable task;
    final long deadline;
    final long sequence;
    /** Set once, by the run or by cancel, whichever comes first. */
    private final AtomicBoolean settled = new AtomicBoolean();

    Timed(Runnable task, long deadline, long sequence) {
      this.task = task;
      this.deadline = deadline;
      this.sequence = sequence;
    }

    boolean claim() {
      return settled.compareAndSet(false, true);
    }

    @Override
    public boolean cancel() {
      if (!claim()) {
        return false;
      }
      tasks.remove(this);
      return true;
    }
  }
}
