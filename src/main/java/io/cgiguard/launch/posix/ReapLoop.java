package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ScriptProcess.Signals;
import io.cgiguard.launch.common.StderrDrain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of a {@link PosixLauncher} that waits for all its scripts: epoll(7) over each
 * script's pidfd (readable when the script exits, so it can be reaped with wait4 at once) and
 * its stderr pipe (read into the script's {@link StderrDrain}).
 *
 * <p>Why not a thread blocked in wait4 and another blocked reading stderr for every script: that
 * was two thread hand-offs and two wake-ups per request, and two thread stacks per running
 * script, the largest share of the gateway's memory with 64 scripts running. One loop serves
 * every script with one wake-up per event and no per-script thread.
 *
 * <p>Why epoll and not poll(2): the thread that started a script adds its two descriptors to the
 * epoll set itself, so a new script does not wake the loop, where a poll loop had to be woken to
 * rebuild its set; and a wake-up costs the events that happened, not a scan of every script.
 * Counted with {@code test-scripts/bench/threads-per-request.sh}, the poll loop woke about twice
 * per request at one connection (once for the new script, once for its end).
 *
 * <p>As before, an exit is reported once stderr has ended too, or {@link StderrDrain#SETTLE_MILLIS}
 * after the exit when a process outside the group still holds stderr, so a termination comes with
 * the script's last stderr words.
 *
 * <p>It also raises the OOM score of the scripts that could not raise it themselves: a gateway
 * that dropped root is not dumpable, so its /proc files are root's, and so are those of its
 * child until the exec ({@link Spawner.Spawned#scoreLater}). While such scripts come, the loop
 * wakes every {@link #SCORE_PERIOD_MILLIS} and writes the score of each such script still
 * running, now its user's, the gateway's user. A script that ends before the next turn never
 * needs it; a long one, the kind that runs out of memory, has it within that period. The spawning
 * thread doing it instead cost every request one or two more thread switches: the parent of a
 * vfork wakes before the kernel has made the new program dumpable. After
 * {@link #IDLE_SCORE_TURNS} turns in a row with no such script the loop stops turning, so that an
 * idle gateway does not wake it; the next such script wakes it once and the turns start again.
 */
final class ReapLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReapLoop.class);
  private static final int READ_BYTES = 64 * 1024;
  /**
   * struct epoll_event: a 32-bit event mask, then 64 bits of data; packed (12 bytes) on x86-64,
   * where the kernel's ABI says so, aligned (16 bytes) everywhere else.
   */
  private static final boolean PACKED_EVENTS = Platform.isIntel();
  private static final int EVENT_BYTES = PACKED_EVENTS ? 12 : 16;
  private static final int EVENT_DATA_OFFSET = PACKED_EVENTS ? 4 : 8;
  private static final int MAX_EVENTS = 64;
  /** Event data of the wake-up eventfd; a script's descriptors carry its id (from 1) times 2. */
  private static final long WAKE_DATA = 0;
  /**
   * Whether an exited script is left a zombie until it is closed: needs waitid's system call
   * number, for the resource usage glibc's waitid leaves out. Elsewhere a script is reaped as it
   * exits, and a signal to its group after that is guarded by a look at the group alone.
   */
  static final boolean KEEPS_ZOMBIES = LibC.SYS_WAITID > 0;
  /** The loop's frames are shallow; its JNA calls need far less than the default stack. */
  private static final long STACK_BYTES = 256 * 1024;
  /** How often scripts that could not raise their OOM score have it raised; see above. */
  static final int SCORE_PERIOD_MILLIS = 100;
  private static final int SCORE_TRIES = 5;
  /** Turns in a row with no score to write after which the loop stops turning. */
  static final int IDLE_SCORE_TURNS = 10;

  private final int epollFd;
  private final int wakeFd;
  private final Queue<PosixScriptProcess> abandonRequests = new ConcurrentLinkedQueue<>();
  /** Every script from {@link #watch} until its stderr has ended and its exit was reported. */
  private final Map<Long, Watched> watched = new ConcurrentHashMap<>();
  private final Thread thread;
  /** Guarded by {@code this}: set by {@link #close}, after which nothing is added to the set. */
  private boolean closed;
  private volatile boolean stopping;
  // Guarded by this: the event that epoll_ctl copies, for whichever thread adds a script.
  private final Memory ctlEvent = new Memory(EVENT_BYTES);
  private long lastId;

  // Owned by the loop thread alone.
  private final Memory events = new Memory((long) MAX_EVENTS * EVENT_BYTES);
  private final List<Watched> settling = new ArrayList<>();
  /**
   * Whether the loop turns periodically to write scores: set (under this) by {@link #watch} for a
   * script whose score is the loop's to write, cleared (under this) by the loop once it has had
   * none to write for {@link #IDLE_SCORE_TURNS} turns.
   */
  private volatile boolean scoring;
  private long nextScoreTurnNanos;
  private int idleScoreTurns;
  private final Memory readBuffer = new Memory(READ_BYTES);
  private final byte[] bytes = new byte[READ_BYTES];
  private final Memory waitResult = new Memory(8L + LibC.RUSAGE_BYTES);
  private final Pointer rusage = waitResult.share(8);
  private final Memory siginfo = new Memory(LibC.SIGINFO_BYTES);
  private final Memory wakeCount = new Memory(8);

  /** A running script as the loop sees it; its fields past the descriptors are the loop's. */
  private static final class Watched {
    final long id;
    final PosixScriptProcess process;
    final StderrDrain drain;
    int pidfd;
    int stderrFd;
    boolean exited;
    boolean reported;
    /** Whether the loop is still to raise the script's OOM score. */
    boolean scoreLater;
    /** Refusals so far: a script caught in the middle of its exec, or one not dumpable itself. */
    int scoreRefusals;
    ExitStatus status;
    Duration cpu;
    long settleDeadlineNanos;

    Watched(long id, PosixScriptProcess process, int pidfd, int stderrFd, StderrDrain drain) {
      this.id = id;
      this.process = process;
      this.pidfd = pidfd;
      this.stderrFd = stderrFd;
      this.drain = drain;
    }
  }

  ReapLoop() {
    epollFd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
    if (epollFd < 0) {
      throw new IllegalStateException("epoll_create1 failed, errno " + Native.getLastError());
    }
    wakeFd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
    if (wakeFd < 0) {
      int errno = Native.getLastError();
      LibC.close(epollFd);
      throw new IllegalStateException("eventfd failed, errno " + errno);
    }
    int added = add(wakeFd, WAKE_DATA);
    if (added != 0) {
      LibC.close(wakeFd);
      LibC.close(epollFd);
      throw new IllegalStateException("epoll_ctl failed, errno " + added);
    }
    thread = new Thread(null, this::run, "cgiguard-reap-loop", STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
  }

  /** @return a pidfd for {@code pid}, or -1 with errno set */
  static int openPidfd(int pid) {
    return (int) LibC.syscall(LibC.SYS_PIDFD_OPEN, pid, 0);
  }

  /**
   * Watches a freshly spawned script until it is reaped and its stderr has ended; the loop owns
   * {@code pidfd} and {@code stderrFd} from here on and closes both. Runs on the thread that
   * started the script, and does not wake the loop.
   *
   * <p>Should the kernel refuse to watch them (out of memory, or the loop closed), the script's
   * group is killed and reaped here, and its termination fails with the reason: it is never left
   * running unwatched.
   */
  void watch(PosixScriptProcess process, int pidfd, int stderrFd, StderrDrain drain,
      boolean scoreLater) {
    int errno;
    synchronized (this) {
      if (closed) {
        errno = -1;
      } else {
        Watched w = new Watched(++lastId, process, pidfd, stderrFd, drain);
        w.scoreLater = scoreLater;
        if (scoreLater && !scoring) {
          // The loop may be waiting without a timeout, and must turn within the period.
          scoring = true;
          wake();
        }
        // In the map before the set, so that the loop always finds what an event names.
        watched.put(w.id, w);
        errno = add(pidfd, w.id << 1);
        if (errno == 0) {
          errno = add(stderrFd, (w.id << 1) | 1);
          if (errno != 0) {
            LibC.epoll_ctl(epollFd, LibC.EPOLL_CTL_DEL, pidfd, null);
          }
        }
        if (errno == 0) {
          return;
        }
        watched.remove(w.id);
      }
    }
    unwatchable(process, pidfd, stderrFd, drain, errno);
  }

  /** Adds {@code fd} to the epoll set; 0, or the errno of the refusal. Called holding this. */
  private int add(int fd, long data) {
    ctlEvent.setInt(0, LibC.EPOLLIN);
    ctlEvent.setLong(EVENT_DATA_OFFSET, data);
    return LibC.epoll_ctl(epollFd, LibC.EPOLL_CTL_ADD, fd, ctlEvent) == 0 ? 0 : Native.getLastError();
  }

  private static void unwatchable(
      PosixScriptProcess process, int pidfd, int stderrFd, StderrDrain drain, int errno) {
    LibC.kill(-process.pid32(), Signals.SIGKILL);
    synchronized (process.reapLock) {
      LibC.wait4(process.pid32(), null, 0, null);
      process.reaped = true;
    }
    LibC.close(pidfd);
    LibC.close(stderrFd);
    drain.end();
    String why = errno < 0 ? "the launcher is closed" : "epoll_ctl failed, errno " + errno;
    LOG.error("cannot watch script {}: {}; killed it", process.pid32(), why);
    process.reapFailed(new IllegalStateException(
        "cannot watch script " + process.pid32() + ": " + why));
  }

  /**
   * Stops reading {@code process}'s stderr, for a pipe held by a process beyond the group kill;
   * the drain ends with what it has.
   */
  void abandonStderr(PosixScriptProcess process) {
    synchronized (this) {
      // Once closed, the loop may have closed the eventfd, whose number may name another file.
      if (closed) {
        return;
      }
      abandonRequests.add(process);
      wake();
    }
  }

  private void wake() {
    LibC.eventfd_write(wakeFd, 1);
  }

  private void run() {
    while (!stopping) {
      try {
        turn();
      } catch (RuntimeException | Error e) {
        // A dead loop would leave every script unreaped: log and keep going.
        LOG.error("reap loop iteration failed", e);
      }
    }
    synchronized (this) {
      for (Watched w : watched.values()) {
        closeFds(w);
      }
      watched.clear();
      LibC.close(wakeFd);
      LibC.close(epollFd);
    }
  }

  private void turn() {
    for (PosixScriptProcess p; (p = abandonRequests.poll()) != null; ) {
      for (Watched w : watched.values()) {
        if (w.process == p) {
          if (w.stderrFd >= 0) {
            endStderr(w);
          }
          settle(w);
        }
      }
    }
    int ready = LibC.epoll_wait(epollFd, events, MAX_EVENTS, timeoutMillis());
    if (ready < 0) {
      int errno = Native.getLastError();
      if (errno != LibC.EINTR) {
        LOG.warn("epoll_wait failed, errno {}", errno);
      }
      return;
    }
    long now = System.nanoTime();
    for (int i = 0; i < ready; i++) {
      long data = events.getLong((long) i * EVENT_BYTES + EVENT_DATA_OFFSET);
      if (data == WAKE_DATA) {
        LibC.eventfd_read(wakeFd, wakeCount);
        continue;
      }
      Watched w = watched.get(data >>> 1);
      if (w == null) {
        continue;
      }
      if ((data & 1) == 1) {
        if (w.stderrFd >= 0) {
          readStderr(w);
        }
      } else if (w.pidfd >= 0) {
        reap(w, now);
      }
      settle(w);
    }
    for (int i = settling.size() - 1; i >= 0; i--) {
      Watched w = settling.get(i);
      if (now - w.settleDeadlineNanos >= 0) {
        settling.remove(i);
        report(w);
      }
    }
    if (scoring && now - nextScoreTurnNanos >= 0) {
      nextScoreTurnNanos = now + SCORE_PERIOD_MILLIS * 1_000_000L;
      boolean scored = false;
      for (Watched w : watched.values()) {
        if (w.scoreLater) {
          scored = true;
          score(w);
        }
      }
      idleScoreTurns = scored ? 0 : idleScoreTurns + 1;
      if (idleScoreTurns >= IDLE_SCORE_TURNS) {
        stopScoring();
      }
    }
  }

  /**
   * Stops the periodic turns unless a script whose score is the loop's to write came meanwhile:
   * under this, as {@link #watch} puts such a script in the map and sets {@link #scoring}, so
   * that either this sees the script or the watch sees the turns stopped and wakes the loop.
   */
  private synchronized void stopScoring() {
    idleScoreTurns = 0;
    for (Watched w : watched.values()) {
      if (w.scoreLater) {
        return;
      }
    }
    scoring = false;
  }

  /**
   * Raises the OOM score of a running script. Under the reap lock, so that the pid is still the
   * script's: its zombie is only reaped under it. A script that has exited needs no score. A
   * refusal is tried again at the next turns, a few times: the script may have been caught
   * between its exec and the moment the kernel made it dumpable, or be a program that is not
   * dumpable at all (set-user-ID), which keeps the gateway's score.
   */
  private static void score(Watched w) {
    synchronized (w.process.reapLock) {
      if (w.exited || w.process.reaped
          || ProcessLimits.expendable(w.process.pid32())
          || ++w.scoreRefusals >= SCORE_TRIES) {
        w.scoreLater = false;
      }
    }
  }

  /**
   * Reports an exited script whose stderr has ended, and forgets a reported one once its stderr
   * has ended; an exited script whose stderr is still open waits in {@link #settling}.
   */
  private void settle(Watched w) {
    if (w.exited && !w.reported) {
      if (w.stderrFd < 0) {
        settling.remove(w);
        report(w);
      } else if (!settling.contains(w)) {
        settling.add(w);
      }
    }
    if (w.reported && w.stderrFd < 0) {
      watched.remove(w.id);
    }
  }

  private void report(Watched w) {
    w.reported = true;
    w.process.exited(w.status, w.cpu);
  }

  /**
   * Infinite, unless an exited script waits for its stderr to end, or scripts' OOM scores are the
   * loop's to write.
   */
  private int timeoutMillis() {
    if (settling.isEmpty()) {
      return scoring ? SCORE_PERIOD_MILLIS : -1;
    }
    long now = System.nanoTime();
    long earliest = Long.MAX_VALUE;
    for (Watched w : settling) {
      earliest = Math.min(earliest, Math.max(0, w.settleDeadlineNanos - now));
    }
    int millis = (int) ((earliest + 999_999) / 1_000_000);
    return scoring ? Math.min(millis, SCORE_PERIOD_MILLIS) : millis;
  }

  /** One read per turn, so a script flooding stderr cannot starve the others. */
  private void readStderr(Watched w) {
    long n = LibC.read(w.stderrFd, readBuffer, READ_BYTES);
    if (n > 0) {
      readBuffer.read(0, bytes, 0, (int) n);
      w.drain.accept(bytes, (int) n);
      return;
    }
    int errno = n < 0 ? Native.getLastError() : 0;
    if (errno != LibC.EINTR && errno != LibC.EAGAIN) {
      endStderr(w);
    }
  }

  /**
   * The script exited: learns how and its CPU time. Until the script is closed it stays a zombie
   * (waitid with WNOWAIT), so that its pid, and the group id, cannot be given to another process
   * while the gateway may still signal the group; {@link PosixScriptProcess#close} reaps it. One
   * closed already is reaped here.
   */
  private void reap(Watched w, long now) {
    int result;
    int errno = 0;
    ExitStatus status;
    synchronized (w.process.reapLock) {
      boolean keep = !w.process.released && KEEPS_ZOMBIES;
      if (keep) {
        siginfo.setInt(16, 0);
        result = (int) LibC.syscall(LibC.SYS_WAITID, LibC.P_PID, w.process.pid32(), siginfo,
            LibC.WEXITED | LibC.WNOHANG | LibC.WNOWAIT, rusage);
        if (result == 0 && siginfo.getInt(16) != w.process.pid32()) {
          return;
        }
      } else {
        result = LibC.wait4(w.process.pid32(), waitResult, LibC.WNOHANG, rusage);
        if (result == 0) {
          return;
        }
      }
      if (result < 0) {
        errno = Native.getLastError();
        if (errno == LibC.EINTR) {
          return;
        }
      }
      if (keep && result == 0) {
        w.process.exitSeen = true;
      } else {
        w.process.reaped = true;
      }
      status = result < 0 ? null
          : keep ? WaitStatus.fromSiginfo(siginfo) : WaitStatus.decode(waitResult.getInt(0));
    }
    forget(w.pidfd);
    w.pidfd = -1;
    w.exited = true;
    if (status == null) {
      w.reported = true;
      w.process.reapFailed(new IllegalStateException(
          "wait for " + w.process.pid() + " failed, errno " + errno));
      return;
    }
    w.status = status;
    w.process.exitedWith(status);
    w.cpu = WaitStatus.cpuTime(rusage);
    w.settleDeadlineNanos = now + StderrDrain.SETTLE_MILLIS * 1_000_000;
  }

  private void endStderr(Watched w) {
    forget(w.stderrFd);
    w.stderrFd = -1;
    w.drain.end();
  }

  /**
   * Takes {@code fd} out of the set, then closes it. Closing alone would not do: the set holds
   * the open file, not the number, and a process the JDK forks at that moment shares the file
   * until it execs, which would keep reporting events for a script already forgotten.
   */
  private void forget(int fd) {
    LibC.epoll_ctl(epollFd, LibC.EPOLL_CTL_DEL, fd, null);
    LibC.close(fd);
  }

  private static void closeFds(Watched w) {
    if (w.pidfd >= 0) {
      LibC.close(w.pidfd);
      w.pidfd = -1;
    }
    if (w.stderrFd >= 0) {
      LibC.close(w.stderrFd);
      w.stderrFd = -1;
      w.drain.end();
    }
  }

  /**
   * Stops the loop; scripts still watched are left unreaped, so close them first. A second call
   * does nothing: the loop may already have closed its descriptors, whose numbers the process may
   * have given to other files since.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping = true;
    wake();
  }
}
