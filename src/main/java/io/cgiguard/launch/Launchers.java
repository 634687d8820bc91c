package io.cgiguard.launch;

import io.cgiguard.launch.jdk.JdkLauncher;
import io.cgiguard.launch.posix.PosixLauncher;
import java.util.EnumSet;
import java.util.Optional;
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

  /** @return a new launcher, which the caller closes */
  public static Launcher create() {
    Optional<String> unsupported = PosixLauncher.unsupportedReason();
    Launcher launcher;
    if (unsupported.isEmpty()) {
      PosixLauncher posix = new PosixLauncher();
      launcher = posix;
      LOG.info("launcher: posix ({}; waitid through JNA)", posix.spawnDescription());
    } else {
      launcher = new JdkLauncher();
      LOG.info("launcher: jdk (ProcessBuilder), the native one cannot run: {}", unsupported.get());
    }
    Set<ResourceLimits.Kind> missing = EnumSet.allOf(ResourceLimits.Kind.class);
    missing.removeAll(launcher.enforcedLimits());
    if (!missing.isEmpty()) {
      LOG.warn("launcher {} does not enforce: {}", launcher.name(), missing);
    }
    return launcher;
  }
}
