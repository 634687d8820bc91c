package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.cgiguard.launch.ResourceLimits;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@link ResourceLimits} of a script as Linux resource limits, soft = hard (but for CPU time),
 * set in the child before exec by {@link CloneSpawn}, or with prlimit(2) right after the spawn by
 * {@link PosixSpawn}.
 */
final class ProcessLimits {
  /** Linux resource numbers (asm-generic/resource.h, the same on x86-64 and arm64). */
  private static final int RLIMIT_CPU = 0;
  private static final int RLIMIT_FSIZE = 1;
  private static final int RLIMIT_CORE = 4;
  private static final int RLIMIT_NPROC = 6;
  private static final int RLIMIT_NOFILE = 7;
  private static final int RLIMIT_AS = 9;

  /** What the rlimits can set; the group and rusage come from the launcher itself. */
  static final Set<ResourceLimits.Kind> ENFORCED =
      EnumSet.of(
          ResourceLimits.Kind.CPU_TIME,
          ResourceLimits.Kind.ADDRESS_SPACE,
          ResourceLimits.Kind.OPEN_FILES,
          ResourceLimits.Kind.FILE_SIZE,
          ResourceLimits.Kind.PROCESSES,
          ResourceLimits.Kind.CORE_FILE);

  /**
   * Every limit that is not {@link ResourceLimits#UNLIMITED}, in the order they are set.
   *
   * @return triples of resource, soft limit and hard limit, one after the other
   */
  static long[] triples(ResourceLimits limits) {
    long[] triples = new long[6 * 3];
    int count = 0;
    if (limits.hasCpuTime()) {
      // Whole seconds, rounded up: RLIMIT_CPU has no finer unit, and 0 would mean "now".
      long seconds = Math.max(1, (limits.cpuTime().toMillis() + 999) / 1000);
      // The hard limit one second above the soft one: at the soft limit the kernel sends
      // SIGXCPU, at the hard one SIGKILL; with both equal it sends SIGKILL alone, which would
      // read as a kill from outside rather than a script that used up its CPU time.
      count = put(triples, count, RLIMIT_CPU, seconds, seconds + 1);
    }
    long[][] finite = {
      {RLIMIT_AS, limits.addressSpaceBytes()},
      {RLIMIT_NOFILE, limits.openFiles()},
      {RLIMIT_FSIZE, limits.fileSizeBytes()},
      {RLIMIT_NPROC, limits.processes()},
      {RLIMIT_CORE, limits.coreFileBytes()},
    };
    for (long[] resource : finite) {
      if (resource[1] != ResourceLimits.UNLIMITED) {
        count = put(triples, count, resource[0], resource[1], resource[1]);
      }
    }
    return Arrays.copyOf(triples, count * 3);
  }

  private static int put(long[] triples, int count, long resource, long soft, long hard) {
    triples[count * 3] = resource;
    triples[count * 3 + 1] = soft;
    triples[count * 3 + 2] = hard;
    return count + 1;
  }

  /**
   * Sets every limit of {@link #triples} on a running child with prlimit(2).
   *
   * @return 0, or the errno of the first limit that could not be set
   */
  int apply(int pid, ResourceLimits limits) {
    long[] triples = triples(limits);
    // One 16-byte struct rlimit, reused for every limit and freed at once.
    try (Memory limit = new Memory(16)) {
      for (int i = 0; i < triples.length; i += 3) {
        limit.setLong(0, triples[i + 1]);
        limit.setLong(8, triples[i + 2]);
        if (LibC.prlimit(pid, (int) triples[i], limit, null) != 0) {
          int errno = Native.getLastError();
          // EPERM means the value is above the gateway's own hard limit: the child already has
          // a tighter limit than the one asked for, which is what a limit is for.
          if (errno != LibC.EPERM) {
            return errno;
          }
        }
      }
      return 0;
    }
  }

  /** What a script's oom_score_adj is raised to: the kernel's first choice when memory runs out. */
  static final int SCRIPT_OOM_SCORE_ADJ = 1000;
  static final byte[] SCRIPT_OOM_SCORE_TEXT =
      Integer.toString(SCRIPT_OOM_SCORE_ADJ).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Makes the script, rather than the gateway, the process the kernel's OOM killer picks when
   * memory runs out in the gateway's cgroup or on the machine. A script inherits the gateway's
   * score, and a small script that pushed a memory cgroup over its limit got the gateway killed,
   * every client of it losing its answer. Raising a score needs no privilege; a failure (no
   * /proc) leaves the script as it was.
   */
  static boolean expendable(int pid) {
    int fd = LibC.open("/proc/" + pid + "/oom_score_adj", LibC.O_WRONLY | LibC.O_CLOEXEC);
    if (fd < 0) {
      return false;
    }
    long written = LibC.write(fd, SCRIPT_OOM_SCORE_TEXT, SCRIPT_OOM_SCORE_TEXT.length);
    LibC.close(fd);
    return written == SCRIPT_OOM_SCORE_TEXT.length;
  }
}
