package io.cgiguard.load;

import io.cgiguard.attempt.Classifier;
import io.cgiguard.attempt.Observation;
import io.cgiguard.attempt.ScriptRun;
import io.cgiguard.attempt.Verdict;
import io.cgiguard.cgi.HeaderBlock;
import io.cgiguard.cgi.HeaderBlockReader;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.Launch;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.launch.Termination;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
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
 * <p>Before the header block, a run is judged by the gateway's own header parser and
 * {@link Classifier}, so each failure carries the gateway's failure-kind label; after it, only the
 * exit is left to judge: {@code body-stalled}, {@code exited-nonzero-after-headers} or
 * {@code killed-after-headers}.
 */
public final class DirectLoad implements LiveFigures {

  private static final int STDERR_TAIL_BYTES = 1024;
  /** The gateway's default {@code limits.max-header-bytes}. */
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final Launcher launcher;
  private final Path script;
  private final int concurrency;
  private final Duration timeout;
  private final Duration duration;
  private volatile long endNanos;
  private final AtomicLong ticketsLeft;
  private final Counts live = new Counts();
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
    List<WorkerTally> tallies;
    try {
      tallies = Workers.run("direct-", concurrency, (i, tally) -> () -> work(tally));
    } finally {
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
      live.add(category);
    }
  }

  /**
   * One launch, judged by the gateway's own parser and classifier (a failure before the header
   * block is named exactly as the gateway would name it); never throws for anything the script
   * does.
   */
  String runOnce() {
    long began = System.nanoTime();
    LaunchSpec spec = spec();
    Launch launch = launcher.launch(spec);
    if (launch instanceof Launch.Failed failed) {
      return label(new Observation.SpawnFailed(failed.error()), run(spec, new byte[0], began));
    }
    AtomicBoolean timedOut = new AtomicBoolean();
    try (ScriptProcess process = ((Launch.Started) launch).process()) {
      ScheduledFuture<?> kill = watchdog.schedule(() -> {
        timedOut.set(true);
        process.signalGroup(ScriptProcess.Signals.SIGKILL);
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      HeaderBlock block = readHeaderBlock(process);
      Optional<Termination> end = process.awaitTermination(timeout);
      kill.cancel(false);
      if (!(block instanceof HeaderBlock.Complete)) {
        Observation observation = timedOut.get()
            ? new Observation.HeaderTimedOut(block.received(), end)
            : new Observation.HeadersRead(block, end);
        return label(observation, run(spec, process.stderrTail(), began));
      }
      return afterHeaders(timedOut.get(), end.map(Termination::status));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String label(Observation observation, ScriptRun run) {
    Verdict verdict = Classifier.classify(observation, run);
    return verdict instanceof Verdict.Failed failed
        ? failed.failure().kind().label() : ReplyClassifier.OK;
  }

  private static ScriptRun run(LaunchSpec spec, byte[] stderrTail, long began) {
    return new ScriptRun(spec.argv().get(0), spec.argv(), stderrTail,
        Duration.ofNanos(System.nanoTime() - began));
  }

  /** The categories of a script whose header block was complete: only its exit is left. */
  static String afterHeaders(boolean timedOut, Optional<ExitStatus> status) {
    if (timedOut || status.isEmpty()) {
      return "body-stalled";
    }
    ExitStatus exit = status.get();
    if (exit.success()) {
      return ReplyClassifier.OK;
    }
    return exit instanceof ExitStatus.Signaled
        ? "killed-after-headers" : "exited-nonzero-after-headers";
  }

  /**
   * Reads stdout with the gateway's header parser, then drains the body; a broken pipe ends the
   * read as the end of the stream would.
   */
  private static HeaderBlock readHeaderBlock(ScriptProcess process) {
    HeaderBlockReader reader = new HeaderBlockReader(MAX_HEADER_BYTES, false);
    byte[] buffer = new byte[8192];
    try {
      process.stdin().close();
      InputStream stdout = process.stdout();
      for (int n = stdout.read(buffer); n >= 0; n = stdout.read(buffer)) {
        HeaderBlock decided = reader.offer(buffer, 0, n);
        if (decided != null) {
          if (decided instanceof HeaderBlock.Complete) {
            stdout.transferTo(OutputStream.nullOutputStream());
          } else {
            // As the gateway does: a block that can never become valid ends the script.
            process.signalGroup(ScriptProcess.Signals.SIGKILL);
          }
          return decided;
        }
      }
    } catch (IOException e) {
      // The pipe broke because the script died or was killed: its termination says which.
    }
    return reader.endOfStream();
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
  public Counts counts() {
    return live;
  }
}
