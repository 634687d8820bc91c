package io.cgiguard.admission;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /** One queued request; {@code granted} is set under the lock when a slot is handed over. */
  private static final class Waiter {
    final String scriptKey;
    final Condition ready;
    boolean granted;

    Waiter(String scriptKey, Condition ready) {
      this.scriptKey = scriptKey;
      this.ready = ready;
    }
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
      return await(new Waiter(scriptKey, lock.newCondition()), maxWait);
    } finally {
      lock.unlock();
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
        waiter.granted = true;
        waiter.ready.signal();
      }
    }
  }

  private void release(String scriptKey) {
    lock.lock();
    try {
      give(scriptKey);
    } finally {
      lock.unlock();
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
      lock.unlock();
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
