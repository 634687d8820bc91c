package io.cgiguard.launch;

/** How a process ended, as wait4(2) reports it. */
public sealed interface ExitStatus {

  /** The process called exit with {@code code} (0 to 255). */
  record Exited(int code) implements ExitStatus {}

  /**
   * The process was terminated by {@code signal} (for example 9 for SIGKILL, 24 for SIGXCPU).
   *
   * @param coreDumped whether the kernel reported a core dump
   */
  record Signaled(int signal, boolean coreDumped) implements ExitStatus {}

  /** @return whether this is a clean {@code exit(0)} */
  default boolean success() {
    return this instanceof Exited exited && exited.code() == 0;
  }
}
