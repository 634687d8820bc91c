package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's signals, taken without making a thread when one arrives.
 *
 * <p>The JVM runs a Java signal handler in a thread it starts for that signal, and when the
 * process table (or the gateway's cgroup) has no task left that thread cannot be made: the signal
 * is lost, and with it the stop or the reload asked for in the middle of a shortage. Here a
 * native handler ({@code src/main/c/cgiguard_signals.c}) writes the signal's number into a pipe,
 * and one thread, started when the pipe is opened, reads it and runs the actions one after
 * another (the kernel hands pending signals over lowest number first, and merges repeats of one
 * that is still pending, as for any handler).
 *
 * <p>It needs the gateway's native library ({@link CloneSpawn#LIBRARY}); a build without a C
 * compiler has none, and {@link #open()} then says why.
 */
public final class SignalPipe {

  private static final Logger LOG = LoggerFactory.getLogger(SignalPipe.class);
  private static final int EINTR = 4;

  private static SignalPipe shared;
  private static String unavailable;

  private final int readEnd;
  private final Map<Integer, Runnable> actions = new ConcurrentHashMap<>();

  private static native int cgiguard_signals_open();

  private static native int cgiguard_signals_take(int signal);

  private SignalPipe(int readEnd) {
    this.readEnd = readEnd;
  }

  /**
   * Opens the pipe and starts its reader thread, {@code cgiguard-signals}, on the first call;
   * later calls return the same pipe.
   *
   * @return the pipe, or empty when this build or system cannot make one ({@link #whyNot()})
   */
  public static synchronized Optional<SignalPipe> open() {
    Optional<String> noLibrary = CloneSpawn.unavailableReason();
    if (shared == null && unavailable == null && noLibrary.isPresent()) {
      unavailable = "the gateway's native library is not in this build (" + noLibrary.get() + ")";
    }
    if (shared == null && unavailable == null) {
      try {
        Native.register(SignalPipe.class, NativeLibrary.getInstance(CloneSpawn.LIBRARY));
        int fd = cgiguard_signals_open();
        if (fd < 0) {
          unavailable = "the signal pipe could not be made: " + LibC.strerror(-fd);
        } else {
          SignalPipe pipe = new SignalPipe(fd);
          Thread reader = new Thread(pipe::read, "cgiguard-signals");
          reader.setDaemon(true);
          try {
            reader.start();
          } catch (OutOfMemoryError e) {
            unavailable = "no thread could be made to read the signal pipe";
            throw e;
          }
          shared = pipe;
        }
      } catch (UnsatisfiedLinkError e) {
        // The library loaded for the spawn but lacks the signal functions: an older build.
        unavailable = "the gateway's native library has no signal pipe (" + e.getMessage() + ")";
      }
    }
    return Optional.ofNullable(shared);
  }

  /** @return why {@link #open()} gave no pipe, or empty when it gave one or was not called */
  public static synchronized Optional<String> whyNot() {
    return Optional.ofNullable(unavailable);
  }

  /**
   * From now on each {@code signal} runs {@code action} on the pipe's thread, whatever its
   * disposition was (the JVM's handler, the default, or ignored since start).
   *
   * @throws IllegalStateException when the handler cannot be installed
   */
  public void take(int signal, Runnable action) {
    actions.put(signal, action);
    int error = cgiguard_signals_take(signal);
    if (error != 0) {
      actions.remove(signal);
      throw new IllegalStateException("sigaction(" + signal + ") failed: "
          + LibC.strerror(error));
    }
  }

  private void read() {
    try (Memory buffer = new Memory(64)) {
      while (true) {
        long count = LibC.read(readEnd, buffer, buffer.size());
        if (count < 0) {
          int errno = Native.getLastError();
          if (errno == EINTR) {
            continue;
          }
          LOG.error("the signal pipe cannot be read ({}); signals are no longer taken",
              LibC.strerror(errno));
          return;
        }
        for (int i = 0; i < count; i++) {
          run(buffer.getByte(i) & 0xff);
        }
      }
    }
  }

  private void run(int signal) {
    Runnable action = actions.get(signal);
    if (action == null) {
      return;
    }
    try {
      action.run();
    } catch (Throwable e) { // whatever one action throws, the next signal is still taken
      LOG.error("handling signal {} failed", signal, e);
    }
  }
}
