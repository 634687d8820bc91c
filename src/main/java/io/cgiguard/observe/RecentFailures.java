package io.cgiguard.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The last failed requests, kept for the status page so that an operator can read what a script
 * said before it died without searching the logs. A ring: once full, each new record pushes out
 * the oldest.
 *
 * <p>Thread-safe. Recording takes a short lock; failures are rare next to requests, and a lock
 * keeps "the last N" exact, which a lock-free ring only approximates under contention.
 */
public final class RecentFailures {

  /** How many records the status page shows by default. */
  public static final int DEFAULT_CAPACITY = 100;

  private final int capacity;
  private final ArrayDeque<FailureRecord> ring;
  private long recorded;

  /** A ring of {@link #DEFAULT_CAPACITY} records. */
  public RecentFailures() {
    this(DEFAULT_CAPACITY);
  }

  /** A ring of {@code capacity} records; {@code capacity} must be at least 1. */
  public RecentFailures(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.ring = new ArrayDeque<>(capacity);
  }

  /** Keeps {@code failure}, dropping the oldest record if the ring is full. */
  public void record(FailureRecord failure) {
    Objects.requireNonNull(failure, "failure");
    synchronized (ring) {
      if (ring.size() == capacity) {
        ring.removeFirst();
      }
      ring.addLast(failure);
      recorded++;
    }
  }

  /** @return a copy of the records kept, newest first */
  public List<FailureRecord> newestFirst() {
    synchronized (ring) {
      List<FailureRecord> copy = new ArrayList<>(ring.size());
      for (Iterator<FailureRecord> it = ring.descendingIterator(); it.hasNext(); ) {
        copy.add(it.next());
      }
      return copy;
    }
  }

  /** @return how many records were ever recorded, including those the ring has dropped */
  public long recorded() {
    synchronized (ring) {
      return recorded;
    }
  }

  /** @return the most records this ring keeps */
  public int capacity() {
    return capacity;
  }
}
