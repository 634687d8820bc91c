package io.cgiguard.launch.posix;

import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.launch.Termination;
import io.cgiguard.launch.common.StderrDrain;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A script spawned by {@link PosixLauncher}, leader of its own process group (pgid = pid).
 *
 * <p>The group is signalled with {@code kill(-pgid, sig)}. Until the leader is reaped its pid, and
 * so the group id, cannot be reused, which is why {@link #close()} kills before it reaps.
 */
final class PosixScriptProcess implements ScriptProcess {
  private static final long CLOSE_WAIT_MILLIS = 10_000;

  private final int pid;
  private final OutputStream stdin;
  private final InputStream stdout;
  private final StderrDrain drain;
  private final long startNanos;
  private final ScheduledExecutorService scheduler;
  private final Consumer<PosixScriptProcess> onClose;
  private final Consumer<PosixScriptProcess> abandonStderr;
  private final CompletableFuture<Termination> termination = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Integer signalSent;

  PosixScriptProcess(
      int pid,
      OutputStream stdin,
      InputStream stdout,
      StderrDrain drain,
      long startNanos,
      ScheduledExecutorService scheduler,
      Consumer<PosixScriptProcess> onClose,
      Consumer<PosixScriptProcess> abandonStderr) {
    this.pid = pid;
    this.stdin = stdin;
    this.stdout = stdout;
    this.drain = drain;
    this.startNanos = startNanos;
    this.scheduler = scheduler;
    this.onClose = onClose;
    this.abandonStderr = abandonStderr;
  }

  /**
   * The script was reaped by the launcher's {@link ReapLoop} (wait4 of this pid only, never -1:
   * the JDK reaps its own children and must not lose one to us).
   */
  void exited(int statusWord, Duration cpu) {
    termination.complete(
        new Termination(
            WaitStatus.decode(statusWord),
            Duration.ofNanos(System.nanoTime() - startNanos),
            Optional.of(cpu),
            // Not ru_maxrss: exec keeps the larger of the child's peak and the resident size of
            // the image it replaced, and a posix_spawn child replaces a vfork of the whole JVM,
            // so every script would seem to have used the gateway's memory.
            Optional.empty(),
            Optional.ofNullable(signalSent)));
  }

  /** Whoever awaits the termination must learn of this rather than wait forever. */
  void reapFailed(RuntimeException e) {
    termination.completeExceptionally(e);
  }

  int pid32() {
    return pid;
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public OutputStream stdin() {
    return stdin;
  }

  @Override
  public InputStream stdout() {
    return stdout;
  }

  @Override
  public java.nio.channels.ReadableByteChannel stdoutChannel() {
    return stdout instanceof PipeInputStream pipe ? pipe.channel()
        : ScriptProcess.super.stdoutChannel();
  }

  @Override
  public boolean stdoutReady() {
    return stdout instanceof PipeInputStream pipe && pipe.ready();
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
      throw new IllegalStateException("reaping " + pid + " failed", e.getCause());
    }
  }

  @Override
  public void signalGroup(int signal) {
    // Remembered before sending, so a reaper woken by this very signal already sees it.
    signalSent = signal;
    LibC.kill(-pid, signal);
  }

  @Override
  public void terminateGroup(Duration grace) {
    signalGroup(Signals.SIGTERM);
    scheduler.schedule(
        () -> {
          if (!termination.isDone()) {
            signalGroup(Signals.SIGKILL);
          }
        },
        grace.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (!termination.isDone() || groupAlive()) {
        signalGroup(Signals.SIGKILL);
      }
      termination.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      // Members that were still starting when the first signal went out.
      if (groupAlive()) {
        signalGroup(Signals.SIGKILL);
      }
      closeQuietly(stdin);
      closeQuietly(stdout);
      if (!drain.awaitEnd(StderrDrain.SETTLE_MILLIS)) {
        // A process that left the group (setsid) still holds stderr: stop waiting for it.
        abandonStderr.accept(this);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // close() never throws: the caller is already on its way out.
    } finally {
      onClose.accept(this);
    }
  }

  /** kill(-pgid, 0) succeeds while any process of the group exists, zombies included. */
  private boolean groupAlive() {
    return LibC.kill(-pid, 0) == 0;
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Already broken or closed: nothing left to release.
    }
  }
}
