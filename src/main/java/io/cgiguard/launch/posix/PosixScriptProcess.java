package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import io.cgiguard.launch.ExitStatus;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A script spawned by {@link PosixLauncher}, leader of its own process group (pgid = pid).
 *
 * <p>The group is signalled with {@code kill(-pgid, sig)}. Until the leader is reaped its pid, and
 * so the group id, cannot be given to another process. So the script stays a zombie from its exit
 * until its close ({@link ReapLoop#KEEPS_ZOMBIES}), every signal to the group goes out before the
 * close reaps it, and none after: a group of another process that took the number since can never
 * be hit.
 */
final class PosixScriptProcess implements ScriptProcess {
  private static final Logger LOG = LoggerFactory.getLogger(PosixScriptProcess.class);
  private static final long CLOSE_WAIT_MILLIS = 10_000;

  /**
   * The longest a relay waiting for the exit sleeps in the kernel at once: poll(2) cannot be
   * interrupted from Java, so an interruption is seen within this.
   */
  private static final int POLL_SLICE_MILLIS = 100;

  private static final ThreadLocal<Memory> SIGINFO =
      ThreadLocal.withInitial(() -> new Memory(LibC.SIGINFO_BYTES));

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
  /** Completed once the first close, {@link #close} or {@link #closeLater}, has finished. */
  private final CompletableFuture<Void> closeDone = new CompletableFuture<>();
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
   * Held by the {@link ReapLoop} while it reaps this pid, and by {@link #peekExit} while it looks:
   * until {@link #reaped} is set, the pid is still this script's (alive or a zombie) and cannot
   * have been given to another process.
   */
  final Object reapLock = new Object();

  /** Set under {@link #reapLock} once wait4 has reaped the pid. */
  boolean reaped;

  /** Set under {@link #reapLock} once the reap loop has seen the exit and left a zombie. */
  boolean exitSeen;

  /** Set under {@link #reapLock} once the script is closed: the reap loop reaps it at its exit. */
  boolean released;

  /**
   * Completed by the reap loop as soon as it has reaped the script, before the script's stderr has
   * ended: how it ended, for a relay that needs nothing more.
   */
  private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

  /** The reap loop saw the script exit; its termination follows once stderr has ended. */
  void exitedWith(ExitStatus status) {
    exit.complete(status);
  }

  /**
   * The launcher's {@link ReapLoop} saw the script exit (waiting for this pid only, never -1: the
   * JDK reaps its own children and must not lose one to us), and its stderr has ended.
   */
  void exited(ExitStatus status, Duration cpu) {
    termination.complete(
        new Termination(
            status,
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
    exit.completeExceptionally(e);
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
    return await(termination, timeout);
  }

  /** @return what {@code future} gives within {@code timeout}, or empty */
  private <T> Optional<T> await(CompletableFuture<T> future, Duration timeout)
      throws InterruptedException {
    try {
      return Optional.of(future.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("reaping " + pid + " failed", e.getCause());
    }
  }

  /**
   * The exit status, for a relay that found stdout ended. The kernel closes a dying script's pipes
   * before it makes it a zombie, and Perl closes its stdout before it tears itself down: at 8
   * connections one look missed the exit for about one Perl request in four. So one look (waitid,
   * WNOWAIT), then a wait in the kernel on a pidfd of this call's own, which the exit wakes
   * directly. Looking again and again instead (sched_yield and waitid for up to 50 µs, as before)
   * burned CPU on each such request, and past the 50 µs still waited for the reap loop to wake and
   * pass the status on.
   */
  @Override
  public Optional<ExitStatus> awaitExit(Duration timeout) throws InterruptedException {
    ExitStatus known = exit.getNow(null);
    if (known != null) {
      return Optional.of(known);
    }
    ExitStatus peeked = peekExit();
    if (peeked != null) {
      return Optional.of(peeked);
    }
    int pidfd = openPidfd();
    if (pidfd < 0) {
      // Reaped meanwhile (the reap loop has completed the exit, or is about to), or no
      // descriptor left: the reap loop's word, then.
      return await(exit, timeout);
    }
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        int slice = (int) Math.min(POLL_SLICE_MILLIS, Math.max(0, (left + 999_999) / 1_000_000));
        boolean ended = LibC.pollIn(pidfd, slice) > 0;
        known = exit.getNow(null);
        if (known != null) {
          return Optional.of(known);
        }
        if (ended) {
          peeked = peekExit();
          // Null only once the script has been reaped: its status is then the reap loop's.
          return peeked != null ? Optional.of(peeked)
              : await(exit, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        if (deadline - System.nanoTime() <= 0) {
          return Optional.empty();
        }
      }
    } finally {
      LibC.close(pidfd);
    }
  }

  /**
   * @return a pidfd naming this script, or -1 once it has been reaped (its pid may be another's)
   *     or when the kernel refuses one
   */
  private int openPidfd() {
    synchronized (reapLock) {
      return reaped ? -1 : ReapLoop.openPidfd(pid);
    }
  }

  /**
   * waitid(WNOWAIT): the exit status if the script is a zombie, without reaping it (the reap loop
   * still does, with its resource usage).
   *
   * @return how the script ended, or null while it runs or once it has been reaped
   */
  ExitStatus peekExit() {
    Memory info = SIGINFO.get();
    synchronized (reapLock) {
      if (reaped) {
        return null;
      }
      info.setInt(16, 0);
      int result = LibC.waitid(LibC.P_PID, pid, info,
          LibC.WEXITED | LibC.WNOHANG | LibC.WNOWAIT);
      if (result != 0 || info.getInt(16) != pid) {
        return null;
      }
    }
    return WaitStatus.fromSiginfo(info);
  }

  @Override
  public Optional<Integer> signalSent() {
    return Optional.ofNullable(signalSent);
  }

  @Override
  public void signalGroup(int signal) {
    // Remembered before sending, so a reaper woken by this very signal already sees it.
    signalSent = signal;
    kill(signal);
  }

  /**
   * kill(-pgid, signal), unless the script has been reaped. Where zombies are kept that means it
   * is closed, and its group id may be another's by now; elsewhere the group is asked first.
   */
  private void kill(int signal) {
    synchronized (reapLock) {
      if (!reaped) {
        LibC.kill(-pid, signal);
        return;
      }
    }
    if (!ReapLoop.KEEPS_ZOMBIES && groupAlive()) {
      LibC.kill(-pid, signal);
    }
  }

  @Override
  public void terminateGroup(Duration grace) {
    signalGroup(Signals.SIGTERM);
    // After the grace, whatever is left: the leader may have died of the SIGTERM while a member
    // that ignores it lives on, holding stdout, so the group is asked, not the leader.
    scheduler.schedule(this::stop, grace.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void stop() {
    if (!closed.get()) {
      killUnlessGone();
    }
    closeQuietly(stdout);
  }

  @Override
  public void closeLater(Runnable then) {
    if (!closed.compareAndSet(false, true)) {
      then.run();
      return;
    }
    killUnlessGone();
    // The reap loop reports the termination once stderr has ended, or StderrDrain.SETTLE_MILLIS
    // after the exit: what close() waits for, here without a thread waiting.
    termination.whenComplete((done, failed) -> {
      try {
        release(0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.warn("closing script {} failed", pid, e);
      } finally {
        letGo();
        onClose.accept(this);
        closeDone.complete(null);
        then.run();
      }
    });
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      // Whoever closes again (the launcher, shutting down, while a close runs in the background)
      // expects it done on return.
      awaitCloseDone();
      return;
    }
    try {
      killUnlessGone();
      termination.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      release(StderrDrain.SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // close() never throws: the caller is already on its way out.
    } finally {
      letGo();
      onClose.accept(this);
      closeDone.complete(null);
    }
  }

  /**
   * The first step of a close: SIGKILL to the group. A script that has ended is not counted as
   * killed by the gateway: the signal is for what it left behind.
   */
  private void killUnlessGone() {
    if (!termination.isDone()) {
      signalGroup(Signals.SIGKILL);
    } else {
      kill(Signals.SIGKILL);
    }
  }

  /**
   * The rest of a close, once the script has been reaped: the group's stragglers, the pipes, and
   * a stderr still held after {@code stderrWaitMillis} by a process outside the group (setsid).
   */
  private void release(long stderrWaitMillis) throws InterruptedException {
    // Members that were still starting when the first signal went out.
    kill(Signals.SIGKILL);
    closeQuietly(stdin);
    closeQuietly(stdout);
    if (!drain.awaitEnd(stderrWaitMillis)) {
      abandonStderr.accept(this);
    }
  }

  /**
   * The end of a close, after the group's last signal: reaps a script the reap loop left a
   * zombie, or has the loop reap it at its exit (a close that gave up waiting for it).
   */
  private void letGo() {
    synchronized (reapLock) {
      released = true;
      if (exitSeen && !reaped) {
        LibC.wait4(pid, null, LibC.WNOHANG, null);
        reaped = true;
      }
    }
  }

  private void awaitCloseDone() {
    try {
      closeDone.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // As close() itself: never throws, the caller is on its way out.
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
