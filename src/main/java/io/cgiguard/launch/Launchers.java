package io.cgiguard.launch;

import io.cgiguard.launch.jdk.JdkLauncher;
import io.cgiguard.launch.posix.PosixLauncher;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the launcher for this machine: the native POSIX one where it can run (64-bit Linux, JNA,
 * glibc 2.34 or later), else the JDK one. Says which at INFO and, at WARN, which limits will not be
 * enforced, since an operator who configured them needs to know.
 */
public final class Launchers {
  private static final Logger LOG = LoggerFactory.getLogger(Launchers.class);

  private Launchers() {}

  /** @return a new launcher, which the caller closes; {@link #announce} says which it is */
  public static Launcher create() {
    return PosixLauncher.unsupportedReason().isEmpty() ? new PosixLauncher() : new JdkLauncher();
  }

  /**
   * Logs which launcher runs the scripts, and any limit it cannot enforce. Called once a command
   * has started, so that a command refused before that (a port in use, an unknown run-as user)
   * says so in its one line, not after a line about the launcher.
   */
  public static void announce(Launcher launcher) {
    if (launcher instanceof PosixLauncher posix) {
      LOG.info("launcher: posix ({}; waitid through JNA)", posix.spawnDescription());
    } else {
      LOG.info("launcher: jdk (ProcessBuilder), the native one cannot run: {}",
          PosixLauncher.unsupportedReason().orElse("not asked for"));
    }
    Set<ResourceLimits.Kind> missing = EnumSet.allOf(ResourceLimits.Kind.class);
    missing.removeAll(launcher.enforcedLimits());
    if (!missing.isEmpty()) {
      LOG.warn("launcher {} does not enforce: {}", launcher.name(), missing);
    }
  }
}
