package io.cgiguard.launch;

import java.time.Duration;

/**
 * Per-process resource limits (setrlimit semantics, soft = hard). A value of {@link #UNLIMITED}
 * leaves the limit as the gateway has it.
 *
 * @param cpuTime CPU time; the kernel sends SIGXCPU at the limit and SIGKILL one second later
 * @param addressSpaceBytes RLIMIT_AS in bytes
 * @param openFiles RLIMIT_NOFILE
 * @param fileSizeBytes RLIMIT_FSIZE in bytes (a larger write gets SIGXFSZ)
 * @param processes RLIMIT_NPROC, per user; {@link #UNLIMITED} by default because it counts every
 *     process of the user, not only this script's
 * @param coreFileBytes RLIMIT_CORE; 0 by default, so a crashing script never writes a core file
 */
public record ResourceLimits(
    Duration cpuTime,
    long addressSpaceBytes,
    long openFiles,
    long fileSizeBytes,
    long processes,
    long coreFileBytes) {

  public static final long UNLIMITED = -1;

  /** No limit at all but core size 0. */
  public static final ResourceLimits NONE =
      new ResourceLimits(null, UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, 0);

  /** The limits a launcher may or may not be able to enforce. */
  public enum Kind {
    CPU_TIME,
    ADDRESS_SPACE,
    OPEN_FILES,
    FILE_SIZE,
    PROCESSES,
    CORE_FILE,
    PROCESS_GROUP,
    RESOURCE_USAGE
  }

  /** @return whether a CPU limit is set */
  public boolean hasCpuTime() {
    return cpuTime != null && !cpuTime.isZero() && !cpuTime.isNegative();
  }
}
