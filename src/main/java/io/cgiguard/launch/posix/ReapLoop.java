package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.cgiguard.launch.common.StderrDrain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of a {@link PosixLauncher} that waits for all its scripts: poll(2) over each
 * script's pidfd (readable when the script exits, so it can be reaped with wait4 at once) and
 * its stderr pipe (read into the script's {@link StderrDrain}).
 *
 * <p>Why not a thread blocked in wait4 and another blocked reading stderr for every script: that
 * was two thread hand-offs and two wake-ups per request, and two thread stacks per running
 * script, the largest share of the gateway's memory with 64 scripts running. One poll loop
 * serves every script with one wake-up per event and no per-script thread.
 *
 * <p>As before, an exit is reported once stderr has ended too, or {@link StderrDrain#SETTLE_MILLIS}
 * after the exit when a process outside the group still holds stderr, so a termination comes with
 * the script's last stderr words.
 */
final class ReapLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReapLoop.class);
  private static final int READ_BYTES = 64 * 1024;
  private static final int POLLFD_BYTES = 8;
  /** The loop's frames are shallow; its JNA calls need far less than the default stack. */
  private static final long STACK_BYTES = 256 * 1024;

  private final int wakeFd;
  private final Queue<Watched> arrivals = new ConcurrentLinkedQueue<>();
  private final Queue<PosixScriptProcess> abandonRequests = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  // Owned by the loop thread alone.
  private final List<Watched> watched = new ArrayList<>();
  private final Memory readBuffer = new Memory(READ_BYTES);
  private final byte[] bytes = new byte[READ_BYTES];
  private final Memory waitResult = new Memory(8L + LibC.RUSAGE_BYTES);
  private final Pointer rusage = waitResult.share(8);
  private final Memory wakeCount = new Memory(8);
  private Memory pollSet = new Memory(64L * POLLFD_BYTES);

  /** A running script as the loop sees it. */
  private static final class Watched {
    final PosixScriptProcess process;
    final StderrDrain drain;
    int pidfd;
    int stderrFd;
    boolean exited;
    boolean reported;
    int statusWord;
    Duration cpu;
    long settleDeadlineNanos;
    boolean abandoned;
    int pidSlot = -1;
    int stderrSlot = -1;

    Watched(PosixScriptProcess process, int pidfd, int stderrFd, StderrDrain drain) {
      this.process = process;
      this.pidfd = pidfd;
      this.stderrFd = stderrFd;
      this.drain = drain;
    }
  }

  ReapLoop() {
    wakeFd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
    if (wakeFd < 0) {
      throw new IllegalStateException("eventfd failed, errno " + Native.getLastError());
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
   * {@code pidfd} and {@code stderrFd} from here on and closes both.
   */
  void watch(PosixScriptProcess process, int pidfd, int stderrFd, StderrDrain drain) {
    arrivals.add(new Watched(process, pidfd, stderrFd, drain));
    wake();
  }

  /**
   * Stops reading {@code process}'s stderr, for a pipe held by a process beyond the group kill;
   * the drain ends with what it has.
   */
  void abandonStderr(PosixScriptProcess process) {
    abandonRequests.add(process);
    wake();
  }

  private void wake() {
    LibC.eventfd_write(wakeFd, 1);
  }

  private void run() {
    while (!closed) {
      try {
        turn();
      } catch (RuntimeException | Error e) {
        // A dead loop would leave every script unreaped: log and keep going.
        LOG.error("reap loop iteration failed", e);
      }
    }
    for (Watched w : watched) {
      closeFds(w);
    }
    LibC.close(wakeFd);
  }

  private void turn() {
    // Arrivals first, so that an abandon request always finds its script.
    for (Watched w; (w = arrivals.poll()) != null; ) {
      watched.add(w);
    }
    for (PosixScriptProcess p; (p = abandonRequests.poll()) != null; ) {
      for (Watched w : watched) {
        if (w.process == p) {
          w.abandoned = true;
        }
      }
    }
    int count = fillPollSet();
    int ready = LibC.poll(pollSet, count, timeoutMillis());
    if (ready < 0) {
      int errno = Native.getLastError();
      if (errno != LibC.EINTR) {
        LOG.warn("poll failed, errno {}", errno);
      }
      return;
    }
    if (revents(0) != 0) {
      LibC.eventfd_read(wakeFd, wakeCount);
    }
    long now = System.nanoTime();
    for (Watched w : watched) {
      if (w.stderrSlot >= 0 && revents(w.stderrSlot) != 0) {
        readStderr(w);
      }
      if (w.pidSlot >= 0 && revents(w.pidSlot) != 0) {
        reap(w, now);
      }
      if (w.abandoned && w.stderrFd >= 0) {
        endStderr(w);
      }
      if (w.exited && !w.reported && (w.stderrFd < 0 || now - w.settleDeadlineNanos >= 0)) {
        w.reported = true;
        w.process.exited(w.statusWord, w.cpu);
      }
    }
    watched.removeIf(w -> w.reported && w.stderrFd < 0);
  }

  /** Slot 0 is the wake-up eventfd; then each script's pidfd until reaped, and its stderr. */
  private int fillPollSet() {
    int needed = 1 + 2 * watched.size();
    if (pollSet.size() < (long) needed * POLLFD_BYTES) {
      pollSet = new Memory(Math.max(pollSet.size() * 2, (long) needed * POLLFD_BYTES));
    }
    int slot = 0;
    setSlot(slot++, wakeFd);
    for (Watched w : watched) {
      w.pidSlot = w.exited ? -1 : slot;
      if (!w.exited) {
        setSlot(slot++, w.pidfd);
      }
      w.stderrSlot = w.stderrFd < 0 ? -1 : slot;
      if (w.stderrFd >= 0) {
        setSlot(slot++, w.stderrFd);
      }
    }
    return slot;
  }

  private void setSlot(int slot, int fd) {
    long at = (long) slot * POLLFD_BYTES;
    pollSet.setInt(at, fd);
    pollSet.setShort(at + 4, LibC.POLLIN);
    pollSet.setShort(at + 6, (short) 0);
  }

  private short revents(int slot) {
    return pollSet.getShort((long) slot * POLLFD_BYTES + 6);
  }

  /** Infinite, unless an exited script waits for its stderr to end. */
  private int timeoutMillis() {
    long now = System.nanoTime();
    long earliest = Long.MAX_VALUE;
    for (Watched w : watched) {
      if (w.exited && !w.reported) {
        earliest = Math.min(earliest, Math.max(0, w.settleDeadlineNanos - now));
      }
    }
    return earliest == Long.MAX_VALUE ? -1 : (int) ((earliest + 999_999) / 1_000_000);
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

  private void reap(Watched w, long now) {
    int result;
    int errno = 0;
    synchronized (w.process.reapLock) {
      result = LibC.wait4(w.process.pid32(), waitResult, LibC.WNOHANG, rusage);
      if (result < 0) {
        errno = Native.getLastError();
      }
      if (result == 0 || errno == LibC.EINTR) {
        return;
      }
      w.process.reaped = true;
    }
    LibC.close(w.pidfd);
    w.pidfd = -1;
    w.exited = true;
    if (result < 0) {
      w.reported = true;
      w.process.reapFailed(new IllegalStateException(
          "wait4(" + w.process.pid() + ") failed, errno " + errno));
      return;
    }
    w.statusWord = waitResult.getInt(0);
    w.process.reapedWith(w.statusWord);
    w.cpu = WaitStatus.cpuTime(rusage);
    w.settleDeadlineNanos = now + StderrDrain.SETTLE_MILLIS * 1_000_000;
  }

  private void endStderr(Watched w) {
    LibC.close(w.stderrFd);
    w.stderrFd = -1;
    w.drain.end();
  }

  private static void closeFds(Watched w) {
    if (w.pidfd >= 0) {
      LibC.close(w.pidfd);
    }
    if (w.stderrFd >= 0) {
      LibC.close(w.stderrFd);
      w.drain.end();
    }
  }

  /**
   * Stops the loop; scripts still watched are left unreaped, so close them first. A second call
   * does nothing: the loop may already have closed its wake descriptor, whose number the process
   * may have given to another file since.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    wake();
  }
}
