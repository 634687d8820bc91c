package io.cgiguard.launch.jdk;

import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.launch.Termination;
import io.cgiguard.launch.common.StderrDrain;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A script started by {@link JdkLauncher}. "The group" here is the script and whatever are its
 * descendants at the moment of the signal, and only SIGTERM and SIGKILL can be sent.
 */
final class JdkScriptProcess implements ScriptProcess {
  /** The JDK reports death by signal N as exit value 128 + N, like a shell. */
  private static final int SIGNAL_EXIT_BASE = 128;

  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final Process process;
  private final StderrDrain drain;
  private final ScheduledExecutorService scheduler;
  private final Consumer<JdkScriptProcess> onClose;
  private final CompletableFuture<Termination> termination;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Integer signalSent;

  JdkScriptProcess(
      Process process,
      StderrDrain drain,
      long startNanos,
      ScheduledExecutorService scheduler,
      Executor reapers,
      Consumer<JdkScriptProcess> onClose) {
    this.process = process;
    this.drain = drain;
    this.scheduler = scheduler;
    this.onClose = onClose;
    // On a reaper of ours: building the termination waits for stderr to settle, and the JDK
    // completes onExit on the common pool, which a 2-core machine sizes at one thread.
    this.termination =
        process.onExit().thenApplyAsync(p -> terminated(p, startNanos), reapers);
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  @Override
  public InputStream stdout() {
    return process.getInputStream();
  }

  @Override
  public byte[] stderrTail() {
    return drain.tail();
  }

  @Override
  public Optional<Termination> termination() {
    return Optional.ofNullable(termination.getNow(null));
  }

  @Override
  public Optional<Termination> awaitTermination(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(termination.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("process exit tracking failed", e.getCause());
    }
  }

  @Override
  public Optional<Integer> signalSent() {
    return Optional.ofNullable(signalSent);
  }

  /** SIGKILL kills forcibly; every other signal is delivered as SIGTERM, all the JDK can send. */
  @Override
  public void signalGroup(int signal) {
    boolean forcibly = signal == Signals.SIGKILL;
    signalSent = forcibly ? Signals.SIGKILL : Signals.SIGTERM;
    // Snapshot first: once the script dies its children are no longer its descendants.
    List<ProcessHandle> descendants = process.descendants().toList();
    destroy(process.toHandle(), forcibly);
    descendants.forEach(handle -> destroy(handle, forcibly));
  }

  @Override
  public void terminateGroup(Duration grace) {
    signalGroup(Signals.SIGTERM);
    scheduler.schedule(this::stop, grace.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void stop() {
    signalGroup(Signals.SIGKILL);
    closeQuietly(process.getInputStream());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (process.isAlive() || process.descendants().findAny().isPresent()) {
        signalGroup(Signals.SIGKILL);
      }
      termination.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      closeQuietly(process.getOutputStream());
      closeQuietly(process.getInputStream());
      if (!drain.awaitEnd(StderrDrain.SETTLE_MILLIS)) {
        // Something outside our reach still holds stderr; stop waiting for it.
        drain.abandon();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // close() never throws: the caller is already on its way out.
    } finally {
      onClose.accept(this);
    }
  }

  private Termination terminated(Process exited, long startNanos) {
    Duration wall = Duration.ofNanos(System.nanoTime() - startNanos);
    drain.settle();
    return new Termination(
        status(exited.exitValue()), wall, Optional.empty(), Optional.empty(),
        Optional.ofNullable(signalSent));
  }

  /**
   * Exit values 129 to 192 are read as deaths by signal: the JDK cannot tell them from a script's
   * own {@code exit 137}, and a signal is by far the likelier cause.
   */
  private static ExitStatus status(int exitValue) {
    if (exitValue > SIGNAL_EXIT_BASE && exitValue <= SIGNAL_EXIT_BASE + 64) {
      return new ExitStatus.Signaled(exitValue - SIGNAL_EXIT_BASE, false);
    }
    return new ExitStatus.Exited(exitValue);
  }

  private static void destroy(ProcessHandle handle, boolean forcibly) {
    if (forcibly) {
      handle.destroyForcibly();
    } else {
      handle.destroy();
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Already broken or closed: nothing left to release.
    }
  }
}
