package io.cgiguard.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives one HTTP target with a {@link LoadPlan}: one thread and one keep-alive
 * {@link Http1Connection} per connection, in a closed loop or at a fixed rate.
 *
 * <p>At a fixed rate each request has an intended send time on a schedule that does not wait for
 * the server; latency is counted from that time, not from when the request was really written,
 * so a server stall shows up in every request it delayed (no coordinated omission, as in wrk2).
 * Latency is recorded for every outcome but a failed connect, which took no time at the server.
 */
public final class LoadRun implements LiveFigures {

  private final LoadPlan plan;
  private final byte[] request;
  private final boolean isHead;
  private final ReplyClassifier classifier;
  private final AtomicLong ticketsLeft;
  // LongAdder: every worker bumps these on every response; a shared AtomicLong would be contended.
  private final LongAdder liveRequests = new LongAdder();
  private final LongAdder liveFailures = new LongAdder();
  private volatile long measureStartNanos;

  public LoadRun(LoadPlan plan) {
    this.plan = plan;
    this.request = RequestEncoding.encode(plan);
    this.isHead = "HEAD".equalsIgnoreCase(plan.method());
    this.classifier = new ReplyClassifier(plan.expectations());
    // Only a request count needs the shared counter; a duration run stays free of it.
    this.ticketsLeft = plan.requests() > 0 ? new AtomicLong(plan.requests()) : null;
  }

  /** Runs the plan to its end and returns the merged figures. */
  public LoadResult run() throws InterruptedException {
    DeadlineReaper reaper = new DeadlineReaper();
    long startNanos = System.nanoTime();
    measureStartNanos = startNanos + plan.warmup().toNanos();
    long endNanos = plan.duration() == null
        ? Long.MAX_VALUE : measureStartNanos + plan.duration().toNanos();
    InetSocketAddress address = new InetSocketAddress(plan.target().getHost(),
        plan.target().getPort() < 0 ? 80 : plan.target().getPort());

    List<WorkerTally> tallies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < plan.connections(); i++) {
      WorkerTally tally = new WorkerTally();
      tallies.add(tally);
      Http1Connection connection =
          new Http1Connection(address, plan.timeout(), plan.retainBodyBytes());
      reaper.watch(connection);
      int index = i;
      Thread thread = new Thread(() -> work(index, connection, startNanos, endNanos, tally),
          "load-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      threads.forEach(Thread::interrupt);
      throw e;
    } finally {
      reaper.close();
    }
    Duration elapsed = Duration.ofNanos(Math.max(0, System.nanoTime() - measureStartNanos));
    return LoadResult.merge(plan.target().toString(), plan.openLoop() ? "open" : "closed",
        plan.connections(), plan.ratePerSecond(), elapsed, tallies);
  }

  @Override
  public Duration elapsed() {
    long start = measureStartNanos;
    return start == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - start));
  }

  @Override
  public long requests() {
    return liveRequests.sum();
  }

  @Override
  public long failures() {
    return liveFailures.sum();
  }

  private void work(int index, Http1Connection connection, long startNanos, long endNanos,
      WorkerTally tally) {
    long timeoutNanos = plan.timeout().toNanos();
    // Each connection carries an equal share of the rate, offset so that sends interleave.
    long periodNanos = plan.openLoop()
        ? (long) (1e9 * plan.connections() / plan.ratePerSecond()) : 0;
    long intended = startNanos + periodNanos * index / plan.connections();
    try (connection) {
      while (!Thread.currentThread().isInterrupted()) {
        long sendAt = plan.openLoop() ? intended : System.nanoTime();
        if (sendAt >= endNanos) {
          return;
        }
        boolean measured = sendAt >= measureStartNanos;
        if (measured && ticketsLeft != null && ticketsLeft.getAndDecrement() <= 0) {
          return;
        }
        waitUntil(sendAt);
        long writtenAt = System.nanoTime();
        Reply reply = connection.exchange(request, isHead, writtenAt + timeoutNanos);
        long doneAt = System.nanoTime();
        if (measured) {
          record(tally, reply, sendAt, doneAt);
        }
        intended += periodNanos;
      }
    }
  }

  private void record(WorkerTally tally, Reply reply, long sentAt, long doneAt) {
    String category = classifier.classify(reply);
    long latencyMicros = reply instanceof Reply.ConnectFailed ? -1 : (doneAt - sentAt) / 1000;
    int second = (int) ((doneAt - measureStartNanos) / 1_000_000_000L);
    tally.record(second, latencyMicros, category);
    liveRequests.increment();
    if (!ReplyClassifier.OK.equals(category)) {
      liveFailures.increment();
    }
  }

  private static void waitUntil(long nanoTime) {
    for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }
}
