package io.cgiguard.observe;

import java.util.List;
import java.util.Objects;

/**
 * The launcher as the status page shows it: which one runs the scripts and which resource limits
 * it really enforces. The portable launcher cannot enforce every limit, and an operator reading
 * "not enforced: cpu-time" learns why a runaway script was not stopped.
 *
 * @param name the launcher's short name, {@code posix} or {@code jdk}
 * @param enforcedLimits the limits it enforces, such as {@code cpu-time}, {@code process-group}
 * @param unenforcedLimits the limits it cannot enforce on this platform
 */
public record LauncherView(String name, List<String> enforcedLimits, List<String> unenforcedLimits) {

  public LauncherView {
    Objects.requireNonNull(name, "name");
    enforcedLimits = List.copyOf(enforcedLimits);
    unenforcedLimits = List.copyOf(unenforcedLimits);
  }
}
