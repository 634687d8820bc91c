package io.cgiguard.launch;

import java.util.Set;

/**
 * Starts scripts. Implementations: the native POSIX launcher (JNA: the project's native spawn or
 * posix_spawn, a process group of its own, rlimits, waitid, kill of the process group) and the
 * portable JDK launcher, which cannot enforce every limit and says which ones through {@link
 * #enforcedLimits()}.
 *
 * <p>Implementations are thread-safe; one instance serves the whole gateway.
 */
public interface Launcher extends AutoCloseable {

  /**
   * Starts the program in {@code spec}. A start that fails (no such file, permission denied, exec
   * format error, too many processes) is a value, {@link Launch.Failed}, carrying the errno; only
   * a bug or a broken precondition throws. After {@link #close()} every launch fails with
   * {@link SpawnError#closed}.
   */
  Launch launch(LaunchSpec spec);

  /** The limits this launcher really enforces; the others are logged at start-up as not enforced. */
  Set<ResourceLimits.Kind> enforcedLimits();

  /** A short name for logs and status: {@code posix} or {@code jdk}. */
  String name();

  /**
   * @return whether {@link #close()} has begun: the gateway is stopping, its last scripts are
   *     being killed, and nothing new starts
   */
  boolean isClosed();

  /** Kills every process group still running and releases the launcher's threads. */
  @Override
  void close();
}
