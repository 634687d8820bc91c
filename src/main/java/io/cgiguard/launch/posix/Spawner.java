package io.cgiguard.launch.posix;

import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.ScriptProcess.Signals;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the launcher starts a script: with three {@code O_CLOEXEC} pipes whose child ends become 0,
 * 1 and 2, every other descriptor closed, the working directory changed, a process group of its
 * own, an empty signal mask and every signal at its default, the {@link ResourceLimits} applied,
 * an OOM score that makes the script rather than the gateway the kernel's choice
 * ({@link ProcessLimits#SCRIPT_OOM_SCORE_ADJ}), and a pidfd to watch it through.
 *
 * <p>Two implementations do the same: {@link CloneSpawn}, the project's own native spawn, used
 * wherever it was built and loads; and {@link PosixSpawn}, glibc's posix_spawn through JNA, used
 * otherwise or when asked for with {@code -Dcgiguard.spawn=posix_spawn}.
 */
sealed interface Spawner permits CloneSpawn, PosixSpawn {

  /** The system property that picks {@link PosixSpawn} when set to {@code posix_spawn}. */
  String PROPERTY = "cgiguard.spawn";

  /** Capacity asked for the stdout pipe, which carries the response body. */
  int STDOUT_PIPE_BYTES = 256 * 1024;

  /** Capacity asked for the stdin pipe once a request body is written to it. */
  int STDIN_PIPE_BYTES = 256 * 1024;

  /** The outcome of a spawn: the child and the gateway's ends of its pipes, or an errno. */
  sealed interface Outcome {}

  /**
   * A running script: its pid, a pidfd naming exactly it, and the parent ends of its pipes
   * ({@code stdinFd} is written, {@code stdoutFd} and {@code stderrFd} read), all close-on-exec;
   * {@code stdinFd} is -1 when the script's stdin is {@code /dev/null}. {@code scoreLater}: the
   * script could not raise its own OOM score before exec (a gateway that dropped root is not
   * dumpable), and {@link ReapLoop} writes it once the script runs.
   */
  record Spawned(int pid, int pidfd, int stdinFd, int stdoutFd, int stderrFd, boolean scoreLater)
      implements Outcome {

    /**
     * Takes the spawn back when what follows it fails: kills the script's group, reaps the
     * script, and closes the pidfd (when opened) and the pipes.
     */
    void undo() {
      LibC.kill(-pid, Signals.SIGKILL);
      LibC.wait4(pid, null, 0, null);
      for (int fd : new int[] {pidfd, stdinFd, stdoutFd, stderrFd}) {
        if (fd >= 0) {
          LibC.close(fd);
        }
      }
    }
  }

  /** Nothing runs: every descriptor opened for the attempt is closed and any child reaped. */
  record Refused(int errno, String call) implements Outcome {}

  /**
   * Starts {@code program}.
   *
   * @param emptyStdin the script is given no input ({@link io.cgiguard.launch.LaunchSpec}): an
   *     implementation may connect its stdin to {@code /dev/null} and return no stdin descriptor
   *     ({@code stdinFd} of -1)
   */
  Outcome spawn(Path program, List<String> argv, Map<String, String> environment, Path directory,
      ResourceLimits limits, boolean emptyStdin);

  /** What the startup log says about it. */
  String describe();

  /** The native spawn where it loads and was not turned off, posix_spawn otherwise. */
  static Spawner choose() {
    Logger log = LoggerFactory.getLogger(Spawner.class);
    if ("posix_spawn".equals(System.getProperty(PROPERTY))) {
      return new PosixSpawn();
    }
    Optional<String> unavailable = CloneSpawn.unavailableReason();
    if (unavailable.isPresent()) {
      log.info("native spawn unavailable ({}); scripts start through posix_spawn",
          unavailable.get());
      return new PosixSpawn();
    }
    return new CloneSpawn();
  }
}
