package io.cgiguard.launch.posix;

import com.sun.jna.Pointer;
import io.cgiguard.launch.ExitStatus;
import java.time.Duration;

/**
 * Decodes what wait4(2) and waitid(2) return: the status word (as the W* macros do), siginfo_t,
 * and struct rusage.
 */
final class WaitStatus {
  private WaitStatus() {}

  /** WIFEXITED / WEXITSTATUS, otherwise WTERMSIG and WCOREDUMP. */
  static ExitStatus decode(int status) {
    int low = status & 0x7f;
    if (low == 0) {
      return new ExitStatus.Exited((status >> 8) & 0xff);
    }
    return new ExitStatus.Signaled(low, (status & 0x80) != 0);
  }

  /**
   * How a child ended, from the siginfo_t waitid(2) filled in: si_code CLD_EXITED with the exit
   * code in si_status, otherwise the signal in si_status.
   */
  static ExitStatus fromSiginfo(Pointer info) {
    int code = info.getInt(8);
    int status = info.getInt(24);
    return code == LibC.CLD_EXITED ? new ExitStatus.Exited(status & 0xff)
        : new ExitStatus.Signaled(status, code == LibC.CLD_DUMPED);
  }

  /** ru_utime + ru_stime, each a struct timeval of two longs. */
  static Duration cpuTime(Pointer rusage) {
    long micros =
        rusage.getLong(0) * 1_000_000 + rusage.getLong(8)
            + rusage.getLong(16) * 1_000_000 + rusage.getLong(24);
    return Duration.ofNanos(micros * 1_000);
  }
}
