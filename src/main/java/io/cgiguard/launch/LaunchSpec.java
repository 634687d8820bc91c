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
 */
public record LaunchSpec(
    List<String> argv,
    Map<String, String> environment,
    Path workingDirectory,
    ResourceLimits limits,
    StderrSink stderrSink,
    int stderrTailBytes) {

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
