package io.cgiguard.admission;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the number of running scripts bounded, in all and per script, so that one slow or
 * popular script cannot take every slot and a burst cannot fork the machine to death.
 *
 * <p>A request that finds no slot waits in a bounded FIFO queue for at most its {@code maxWait};
 * when the queue is full it is rejected at once. Slots are handed over on release, in queue order,
 * to the first waiter whose script is under its own limit, so a script at its limit does not hold
 * up the others. A slot is counted as taken the moment it is handed over, which is why a waiter
 * that times out or is interrupted after the handover gives it back itself: no path leaks one.
 *
 * <p>A waiter either blocks its thread ({@link #acquire(String, Duration)}, for the command line)
 * or holds no thread at all ({@link #acquire(String, Duration, ScheduledExecutorService,
 * Consumer)}, for HTTP): then it is a callback in the queue, called exactly once, outside the
 * lock, with the slot or with the rejection when its wait expires or it is cancelled. This is
 * what keeps the gateway's threads at one per running script however long the queue is.
 */
public final class Bulkhead {

  private final BulkheadSettings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final Map<String, int[]> runningByScript = new HashMap<>();
  private final Map<String, int[]> queuedByScript = new HashMap<>();
  private int running;
  /** How many may run at once now: max-running, or less while processes are short. */
  private int limit;

  public Bulkhead(BulkheadSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.limit = settings.maxRunning();
  }

  /**
   * Callbacks of waiters decided under the lock, run by whoever took the lock once it has let go:
   * a callback never runs under the lock.
   */
  private final List<Runnable> decided = new ArrayList<>();

  /**
   * One queued request; {@code granted} is set under the lock when a slot is handed over. A
   * blocking waiter has {@code ready}, a waiter without a thread has {@code then}.
   */
  private final class Waiter {
    final String scriptKey;
    final Condition ready;
    final Consumer<Slot> then;
    ScheduledFuture<?> expiry;
    boolean granted;
    /** The callback was given its answer (only for a waiter without a thread). */
    boolean answered;

    Waiter(String scriptKey, Condition ready, Consumer<Slot> then) {
      this.scriptKey = scriptKey;
      this.ready = ready;
      this.then = then;
    }

    /** Under the lock: a slot is this waiter's now. */
    void grant() {
      granted = true;
      if (then == null) {
        ready.signal();
        return;
      }
      answered = true;
      if (expiry != null) {
        expiry.cancel(false);
      }
      Slot slot = admitted(scriptKey);
      decided.add(() -> then.accept(slot));
    }
  }

  /** A request queued without a thread; cancelling it answers its callback with a rejection. */
  public interface Queued {
    /** Takes the request out of the queue, if it is still there, answering {@code reason}. */
    void cancel(String reason);
  }

  /**
   * Takes a slot for {@code scriptKey} now, or queues the request without holding the calling
   * thread. The answer comes back exactly once through {@code then}: at once, on the calling
   * thread, when a slot is free or the request is refused; later, on the thread that freed the
   * slot or on one of {@code timers} when the wait expired, when it was queued. {@code then} must
   * therefore only hand the work over (to an executor), never do it.
   *
   * @return the handle that cancels the wait; it does nothing once the answer was given
   */
  public Queued acquire(String scriptKey, Duration maxWait, ScheduledExecutorService timers,
      Consumer<Slot> then) {
    Objects.requireNonNull(scriptKey, "scriptKey");
    Objects.requireNonNull(then, "then");
    Slot now;
    Waiter waiter = null;
    lock.lock();
    try {
      if (hasRoomFor(scriptKey)) {
        take(scriptKey);
        now = admitted(scriptKey);
      } else {
        now = refusal();
      }
      if (now == null) {
        waiter = new Waiter(scriptKey, null, then);
        queue.addLast(waiter);
        count(queuedByScript, scriptKey, +1);
        Waiter queued = waiter;
        long nanos = Math.max(0, maxWait.toNanos());
        waiter.expiry = timers.schedule(() -> expire(queued, "no slot to run the script within "
            + maxWait.toMillis() + " ms"), nanos, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
    if (now != null) {
      then.accept(now);
      return reason -> { };
    }
    Waiter queued = waiter;
    return reason -> expire(queued, reason);
  }

  /** A waiter without a thread leaves the queue unanswered so far: it hears {@code reason}. */
  private void expire(Waiter waiter, String reason) {
    lock.lock();
    try {
      if (waiter.answered) {
        return;
      }
      waiter.answered = true;
      if (queue.remove(waiter)) {
        count(queuedByScript, waiter.scriptKey, -1);
      }
      if (waiter.expiry != null) {
        waiter.expiry.cancel(false);
      }
      Slot.Rejected rejected = new Slot.Rejected(reason, settings.retryAfter());
      decided.add(() -> waiter.then.accept(rejected));
    } finally {
      unlockAndAnswer();
    }
  }

  /** Lets go of the lock, then runs the callbacks decided under it. */
  private void unlockAndAnswer() {
    List<Runnable> answers;
    if (decided.isEmpty()) {
      lock.unlock();
      return;
    }
    answers = new ArrayList<>(decided);
    decided.clear();
    lock.unlock();
    RuntimeException first = null;
    for (Runnable answer : answers) {
      try {
        answer.run();
      } catch (RuntimeException e) {
        // Every waiter hears its answer even when one callback fails; the first failure is
        // rethrown to the thread that freed the slot.
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** @return the rejection a request that found no room meets, or null when it may queue */
  private Slot.Rejected refusal() {
    if (limit < settings.maxRunning() && running >= limit) {
      // Lowered for a shortage: waiting would only hammer the process table when the slot
      // comes, so the excess is answered at once.
      return new Slot.Rejected("the gateway runs at most " + limit + " of "
          + settings.maxRunning() + " scripts at once until processes can be started again",
          settings.retryAfter());
    }
    if (queue.size() >= settings.queue()) {
      return new Slot.Rejected(
          "the queue of " + settings.queue() + " waiting requests is full",
          settings.retryAfter());
    }
    return null;
  }

  /**
   * Takes a slot for {@code scriptKey}, waiting up to {@code maxWait} for one.
   *
   * @throws InterruptedException if the thread is interrupted while it waits; it then holds no slot
   */
  public Slot acquire(String scriptKey, Duration maxWait) throws InterruptedException {
    Objects.requireNonNull(scriptKey, "scriptKey");
    lock.lockInterruptibly();
    try {
      if (hasRoomFor(scriptKey)) {
        take(scriptKey);
        return admitted(scriptKey);
      }
      Slot.Rejected refusal = refusal();
      if (refusal != null) {
        return refusal;
      }
      return await(new Waiter(scriptKey, lock.newCondition(), null), maxWait);
    } finally {
      unlockAndAnswer();
    }
  }

  private Slot await(Waiter waiter, Duration maxWait) throws InterruptedException {
    queue.addLast(waiter);
    count(queuedByScript, waiter.scriptKey, +1);
    long nanos = Math.max(0, maxWait.toNanos());
    try {
      while (!waiter.granted && nanos > 0) {
        nanos = waiter.ready.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      leave(waiter);
      throw e;
    }
    if (waiter.granted) {
      return admitted(waiter.scriptKey);
    }
    leave(waiter);
    return new Slot.Rejected(
        "no slot to run the script within " + maxWait.toMillis() + " ms", settings.retryAfter());
  }

  /**
   * A waiter gives up (timeout or interrupt). If a slot was handed over in the meantime the
   * handover already took it out of the queue, so it gives the slot back; otherwise it leaves the
   * queue.
   */
  private void leave(Waiter waiter) {
    if (waiter.granted) {
      give(waiter.scriptKey);
    } else if (queue.remove(waiter)) {
      count(queuedByScript, waiter.scriptKey, -1);
    }
  }

  private Slot admitted(String scriptKey) {
    return new Slot.Admitted(new HeldPermit(scriptKey));
  }

  private boolean hasRoomFor(String scriptKey) {
    return running < limit
        && count(runningByScript, scriptKey) < settings.maxPerScript();
  }

  private void take(String scriptKey) {
    running++;
    count(runningByScript, scriptKey, +1);
  }

  /** Gives a slot back and hands free slots to waiters, first come first served. */
  private void give(String scriptKey) {
    running--;
    count(runningByScript, scriptKey, -1);
    handOver();
  }

  private void handOver() {
    Iterator<Waiter> waiters = queue.iterator();
    while (waiters.hasNext() && running < limit) {
      Waiter waiter = waiters.next();
      if (hasRoomFor(waiter.scriptKey)) {
        waiters.remove();
        count(queuedByScript, waiter.scriptKey, -1);
        take(waiter.scriptKey);
        waiter.grant();
      }
    }
  }

  private void release(String scriptKey) {
    lock.lock();
    try {
      give(scriptKey);
    } finally {
      unlockAndAnswer();
    }
  }

  private static int count(Map<String, int[]> counts, String key) {
    int[] count = counts.get(key);
    return count == null ? 0 : count[0];
  }

  /** Adjusts a per-script gauge, dropping it at zero so the maps do not grow with every script. */
  private static void count(Map<String, int[]> counts, String key, int delta) {
    int[] count = counts.computeIfAbsent(key, k -> new int[1]);
    count[0] += delta;
    if (count[0] == 0) {
      counts.remove(key);
    }
  }

  /** @return how many scripts may run at once now: max-running unless lowered */
  public int limit() {
    return locked(() -> limit);
  }

  /** @return {@code [concurrency] max-running} */
  public int maxRunning() {
    return settings.maxRunning();
  }

  /**
   * Sets how many scripts may run at once, from 1 to max-running; scripts already running go on.
   * Raising it hands the new room to waiters at once.
   */
  public void limit(int newLimit) {
    lock.lock();
    try {
      limit = Math.max(1, Math.min(settings.maxRunning(), newLimit));
      handOver();
    } finally {
      unlockAndAnswer();
    }
  }

  /** @return scripts running now, all scripts together */
  public int running() {
    return locked(() -> running);
  }

  /** @return requests waiting for a slot now */
  public int queued() {
    return locked(queue::size);
  }

  /** @return scripts of {@code scriptKey} running now */
  public int running(String scriptKey) {
    return locked(() -> count(runningByScript, scriptKey));
  }

  /** @return requests for {@code scriptKey} waiting now */
  public int queued(String scriptKey) {
    return locked(() -> count(queuedByScript, scriptKey));
  }

  /** @return scripts running now by script key, for per-script gauges; absent means none */
  public Map<String, Integer> runningPerScript() {
    return perScript(runningByScript);
  }

  /** @return requests waiting now by script key; absent means none */
  public Map<String, Integer> queuedPerScript() {
    return perScript(queuedByScript);
  }

  private Map<String, Integer> perScript(Map<String, int[]> counts) {
    lock.lock();
    try {
      Map<String, Integer> copy = new java.util.TreeMap<>();
      counts.forEach((key, count) -> copy.put(key, count[0]));
      return java.util.Collections.unmodifiableMap(copy);
    } finally {
      lock.unlock();
    }
  }

  private int locked(java.util.function.IntSupplier read) {
    lock.lock();
    try {
      return read.getAsInt();
    } finally {
      lock.unlock();
    }
  }

  private final class HeldPermit implements Slot.Permit {
    private final String scriptKey;
    private final AtomicBoolean released = new AtomicBoolean();

    HeldPermit(String scriptKey) {
      this.scriptKey = scriptKey;
    }

    @Override
    public String scriptKey() {
      return scriptKey;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        release(scriptKey);
      }
    }
  }
}
