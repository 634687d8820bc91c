package io.cgiguard.load;

import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.Launch;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.launch.Termination;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code cgiguard load --direct}: the same script launched through a {@link Launcher}, N at a
 * time, without HTTP, to reproduce spawn failures and scripts that die before their header block
 * on one machine. Each run is one CGI exchange (RFC 3875 section 6): the script gets a GET
 * environment and EOF on stdin; it succeeds when it writes a complete header block and exits 0.
 *
 * <p>Failure categories use the gateway's failure-kind labels where they mean the same
 * ({@code spawn-failed}, {@code exited-before-headers}, {@code killed-before-headers},
 * {@code header-timeout}, {@code body-stalled}), plus {@code exited-nonzero-after-headers} and
 * {@code killed-after-headers}.
 */
public final class DirectLoad implements LiveFigures {

  private static final int STDERR_TAIL_BYTES = 1024;

  private final Launcher launcher;
  private final Path script;
  private final int concurrency;
  private final Duration timeout;
  private final Duration duration;
  private volatile long endNanos;
  private final AtomicLong ticketsLeft;
  private final AtomicLong liveRequests = new AtomicLong();
  private final AtomicLong liveFailures = new AtomicLong();
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "direct-watchdog");
        thread.setDaemon(true);
        return thread;
      });
  private volatile long startNanos;

  /**
   * @param runs how many launches to measure, or 0 to stop by {@code duration}
   * @param duration how long to run, or {@code null} to stop by {@code runs}
   * @param timeout how long one run may take before its group is killed
   */
  public DirectLoad(Launcher launcher, Path script, int concurrency, long runs, Duration duration,
      Duration timeout) {
    if (concurrency < 1 || runs < 0 || (runs == 0 && duration == null)) {
      throw new IllegalArgumentException("need at least 1 at a time and a count or a duration");
    }
    this.launcher = launcher;
    this.script = script.toAbsolutePath();
    this.concurrency = concurrency;
    this.timeout = timeout;
    this.ticketsLeft = new AtomicLong(runs > 0 ? runs : Long.MAX_VALUE);
    this.duration = duration;
    this.startNanos = System.nanoTime();
  }

  /** Runs to the end and returns the figures; latency is from launch to the script's exit. */
  public LoadResult run() throws InterruptedException {
    startNanos = System.nanoTime();
    endNanos = duration == null ? Long.MAX_VALUE : startNanos + duration.toNanos();
    List<WorkerTally> tallies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      WorkerTally tally = new WorkerTally();
      tallies.add(tally);
      Thread thread = new Thread(() -> work(tally), "direct-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } finally {
      threads.forEach(Thread::interrupt);
      watchdog.shutdownNow();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    return LoadResult.merge("direct:" + script, "direct", concurrency, 0, elapsed, tallies);
  }

  private void work(WorkerTally tally) {
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < endNanos
        && ticketsLeft.getAndDecrement() > 0) {
      long began = System.nanoTime();
      String category = runOnce();
      long done = System.nanoTime();
      tally.record((int) ((done - startNanos) / 1_000_000_000L), (done - began) / 1000, category,
          0);
      liveRequests.incrementAndGet();
      if (!ReplyClassifier.OK.equals(category)) {
        liveFailures.incrementAndGet();
      }
    }
  }

  /** One launch, judged; never throws for anything the script does. */
  String runOnce() {
    Launch launch = launcher.launch(spec());
    if (launch instanceof Launch.Failed) {
      return "spawn-failed";
    }
    AtomicBoolean timedOut = new AtomicBoolean();
    try (ScriptProcess process = ((Launch.Started) launch).process()) {
      ScheduledFuture<?> kill = watchdog.schedule(() -> {
        timedOut.set(true);
        process.signalGroup(ScriptProcess.Signals.SIGKILL);
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      boolean headersComplete = false;
      try {
        process.stdin().close();
        InputStream stdout = new BufferedInputStream(process.stdout());
        headersComplete = readHeaderBlock(stdout);
        stdout.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        // The pipe broke because the script died or was killed: its termination says which.
      }
      Optional<Termination> end = process.awaitTermination(timeout);
      kill.cancel(false);
      return judge(headersComplete, timedOut.get(), end.map(Termination::status));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  static String judge(boolean headersComplete, boolean timedOut, Optional<ExitStatus> status) {
    if (timedOut) {
      return headersComplete ? "body-stalled" : "header-timeout";
    }
    if (status.isEmpty()) {
      return headersComplete ? "body-stalled" : "incomplete-headers";
    }
    ExitStatus exit = status.get();
    if (!headersComplete) {
      return exit instanceof ExitStatus.Signaled ? "killed-before-headers" : "exited-before-headers";
    }
    if (exit.success()) {
      return ReplyClassifier.OK;
    }
    return exit instanceof ExitStatus.Signaled
        ? "killed-after-headers" : "exited-nonzero-after-headers";
  }

  /** Reads until the blank line that ends a CGI header block (LF LF or CR LF CR LF). */
  static boolean readHeaderBlock(InputStream stdout) throws IOException {
    int previous = -1;
    int beforePrevious = -1;
    for (int b = stdout.read(); b >= 0; b = stdout.read()) {
      if (b == '\n' && (previous == '\n' || (previous == '\r' && beforePrevious == '\n'))) {
        return true;
      }
      beforePrevious = previous;
      previous = b;
    }
    return false;
  }

  private LaunchSpec spec() {
    Map<String, String> environment = Map.of(
        "GATEWAY_INTERFACE", "CGI/1.1",
        "SERVER_PROTOCOL", "HTTP/1.1",
        "SERVER_SOFTWARE", "cgiguard-load",
        "SERVER_NAME", "localhost",
        "SERVER_PORT", "0",
        "REQUEST_METHOD", "GET",
        "SCRIPT_NAME", "/" + script.getFileName(),
        "QUERY_STRING", "",
        "REMOTE_ADDR", "127.0.0.1",
        "PATH", "/usr/local/bin:/usr/bin:/bin");
    return new LaunchSpec(List.of(script.toString()), environment, script.getParent(),
        ResourceLimits.NONE, LaunchSpec.StderrSink.DISCARD, STDERR_TAIL_BYTES);
  }

  @Override
  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  @Override
  public long requests() {
    return liveRequests.get();
  }

  @Override
  public long failures() {
    return liveFailures.get();
  }
}
