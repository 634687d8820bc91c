package io.cgiguard.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start and how.
 *
 * @param argv the program and its arguments, never a shell string; {@code argv.get(0)} is an
 *     absolute path or a name looked up on the {@code PATH} of {@code environment}
 * @param environment the complete environment of the child; nothing else is inherited
 * @param workingDirectory the child's current directory
 * @param limits resource limits applied to the child before it runs user code where the launcher
 *     can, otherwise right after it starts
 * @param stderrSink receives every line the script writes to stderr (without the newline); called
 *     from a launcher thread, must not block
 * @param stderrTailBytes how many of the last stderr bytes {@link ScriptProcess#stderrTail()} keeps
 * @param emptyStdin whether the script is given no input at all (a request without a body): a
 *     launcher may then connect stdin to {@code /dev/null}, as lighttpd does, instead of a pipe
 *     the gateway would close at once; either way the script reads end-of-file, and
 *     {@link ScriptProcess#stdin()} must be closed without a write
 */
public record LaunchSpec(
    List<String> argv,
    Map<String, String> environment,
    Path workingDirectory,
    ResourceLimits limits,
    StderrSink stderrSink,
    int stderrTailBytes,
    boolean emptyStdin) {

  /** A script given a stdin pipe, whether or not anything is written to it. */
  public LaunchSpec(List<String> argv, Map<String, String> environment, Path workingDirectory,
      ResourceLimits limits, StderrSink stderrSink, int stderrTailBytes) {
    this(argv, environment, workingDirectory, limits, stderrSink, stderrTailBytes, false);
  }

  public LaunchSpec {
    argv = List.copyOf(argv);
    environment = Map.copyOf(environment);
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(stderrSink, "stderrSink");
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    if (stderrTailBytes < 0) {
      throw new IllegalArgumentException("stderrTailBytes must be >= 0");
    }
  }

  /** Receives a script's stderr, line by line. */
  @FunctionalInterface
  public interface StderrSink {
    void line(String line);

    StderrSink DISCARD = line -> {};
  }
}
