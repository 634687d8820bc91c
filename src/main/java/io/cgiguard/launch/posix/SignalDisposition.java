package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * Undoes a signal disposition of "ignore" that the gateway inherited from whoever started it.
 *
 * <p>A process started under {@code nohup}, or by a parent that ignores a signal, starts with that
 * signal ignored, and HotSpot then declines to install a handler for SIGHUP, SIGINT or SIGTERM:
 * {@code sun.misc.Signal.handle} returns as if it had, and the signal stays ignored. A gateway
 * started that way would take no reload on SIGHUP and no graceful stop on SIGTERM, and say
 * nothing. Like nginx and Apache, which set their own handlers whatever they inherit, the gateway
 * puts the default back first, so that the JVM's handler can go in.
 */
public final class SignalDisposition {

  /** glibc's struct sigaction on 64-bit Linux is 152 bytes; zeroed, it means SIG_DFL. */
  private static final int SIGACTION_BYTES = 256;
  private static final long SIG_IGN = 1;

  private SignalDisposition() {}

  /** @return whether {@code signal} is ignored now; false when that cannot be read */
  public static boolean isIgnored(int signal) {
    try (Memory old = new Memory(SIGACTION_BYTES)) {
      old.clear();
      return LibC.sigaction(signal, null, old) == 0 && old.getLong(0) == SIG_IGN;
    }
  }

  /**
   * @return true when {@code signal} was ignored and is now back to its default action; false when
   *     it was not ignored (nothing changed) or its disposition could not be read
   */
  public static boolean restoreIfIgnored(int signal) {
    if (!isIgnored(signal)) {
      return false;
    }
    try (Memory defaults = new Memory(SIGACTION_BYTES)) {
      defaults.clear();
      if (LibC.sigaction(signal, defaults, null) != 0) {
        throw new IllegalStateException("sigaction(" + signal + ") failed, errno "
            + Native.getLastError());
      }
      return true;
    }
  }
}
