package io.cgiguard.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives one HTTP target with a {@link LoadPlan}: keep-alive connections shared among one
 * {@link EventLoop} thread per core, in a closed loop or at a fixed rate.
 *
 * <p>At a fixed rate each request has an intended send time on a schedule that does not wait for
 * the server; latency is counted from that time, not from when the request was really written,
 * so a server stall shows up in every request it delayed (no coordinated omission, as in wrk2).
 * Latency is recorded for every outcome but a failed connect, which took no time at the server.
 */
public final class LoadRun implements LiveFigures {

  private static final long CONNECT_SPACING_NANOS = 2_000_000;
  /** How many times the gateway ran the script for a response, retries included. */
  static final String ATTEMPTS_HEADER = "x-cgiguard-attempts";

  private final LoadPlan plan;
  private final byte[] request;
  private final boolean isHead;
  private final ReplyClassifier classifier;
  private final AtomicLong ticketsLeft;
  private final Counts live = new Counts();
  private volatile long measureStartNanos;
  private volatile long endNanos;

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
    long startNanos = System.nanoTime();
    measureStartNanos = startNanos + plan.warmup().toNanos();
    endNanos = plan.duration() == null
        ? Long.MAX_VALUE : measureStartNanos + plan.duration().toNanos();
    InetSocketAddress address = new InetSocketAddress(plan.target().getHost(),
        plan.target().getPort() < 0 ? 80 : plan.target().getPort());
    // Each connection carries an equal share of the rate, offset so that sends interleave.
    long periodNanos = plan.openLoop()
        ? (long) (1e9 * plan.connections() / plan.ratePerSecond()) : 0;
    int loops = Math.min(plan.connections(), Runtime.getRuntime().availableProcessors());

    List<List<EventLoop.LoopConnection>> shares = new ArrayList<>();
    for (int i = 0; i < loops; i++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < plan.connections(); i++) {
      // Connects are spread out: dozens of SYNs at once overflow a busy server's listen queue,
      // and a dropped one stalls its connection for a 1 s retransmit.
      long firstSend = startNanos + (plan.openLoop()
          ? periodNanos * i / plan.connections() : CONNECT_SPACING_NANOS * i);
      shares.get(i % loops).add(new EventLoop.LoopConnection(firstSend, plan.retainBodyBytes()));
    }
    List<WorkerTally> tallies = Workers.run("load-", loops, (i, tally) -> new EventLoop(gate(),
        shares.get(i), address, request, isHead, plan.timeout().toNanos(), periodNanos, tally));
    Duration elapsed = Duration.ofNanos(Math.max(0, System.nanoTime() - measureStartNanos));
    return LoadResult.merge(plan.target().toString(), plan.openLoop() ? "open" : "closed",
        plan.connections(), plan.ratePerSecond(), elapsed, tallies);
  }

  /**
   * No request starts from now on; those in flight finish and are counted. For a caller that plays
   * a load balancer taking the target out of rotation (the drain tests).
   */
  public void stopSending() {
    endNanos = Math.min(endNanos, System.nanoTime());
  }

  /** The run's side of the event loops: when to stop, and where results go. */
  private EventLoop.Run gate() {
    return new EventLoop.Run() {
      @Override
      public boolean mayStart(long sendAt) {
        return LoadRun.this.mayStart(sendAt);
      }

      @Override
      public void record(WorkerTally tally, Reply reply, long sentAt, long doneAt) {
        LoadRun.this.record(tally, reply, sentAt, doneAt);
      }

      @Override
      public boolean over(long sendAt) {
        return sendAt >= endNanos;
      }

      @Override
      public void reconnected(WorkerTally tally, String firstAttempt, long sentAt) {
        if (sentAt >= measureStartNanos) {
          tally.reconnected(firstAttempt);
        }
      }
    };
  }

  private boolean mayStart(long sendAt) {
    if (sendAt >= endNanos) {
      return false;
    }
    return sendAt < measureStartNanos || ticketsLeft == null || ticketsLeft.getAndDecrement() > 0;
  }

  @Override
  public Duration elapsed() {
    long start = measureStartNanos;
    return start == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - start));
  }

  @Override
  public Counts counts() {
    return live;
  }

  /** @return the gateway's {@code X-Cgiguard-Attempts}, or 0 when absent or not a number */
  static int attempts(Reply reply) {
    if (!(reply instanceof Reply.Answered answered)) {
      return 0;
    }
    String value = answered.headers().get(ATTEMPTS_HEADER);
    if (value == null || value.isEmpty() || value.length() > 3) {
      return 0;
    }
    int attempts = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      attempts = attempts * 10 + (c - '0');
    }
    return attempts;
  }

  private void record(WorkerTally tally, Reply reply, long sentAt, long doneAt) {
    if (sentAt < measureStartNanos) {
      return;
    }
    String category = classifier.classify(reply);
    long latencyMicros = reply instanceof Reply.ConnectFailed ? -1 : (doneAt - sentAt) / 1000;
    int second = (int) ((doneAt - measureStartNanos) / 1_000_000_000L);
    tally.record(second, latencyMicros, category, attempts(reply));
    live.add(category);
  }
}
