package io.cgiguard.launch;

import io.cgiguard.launch.jdk.JdkLauncher;
import io.cgiguard.launch.posix.PosixLauncher;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * Every launcher this machine can run, for tests whose behaviour must match across them: the
 * native launcher with its own spawn where it was built, and with glibc's posix_spawn, and the
 * JDK's.
 */
final class LauncherKinds {
  private LauncherKinds() {}

  static Stream<Named<Supplier<Launcher>>> all() {
    Stream<Named<Supplier<Launcher>>> jdk = Stream.of(Named.of("jdk", JdkLauncher::new));
    return PosixLauncher.unsupportedReason().isPresent()
        ? jdk
        : Stream.concat(
            Stream.of(Named.of("posix", PosixLauncher::new),
                Named.of("posix_spawn", PosixLauncher::withPosixSpawn)),
            jdk);
  }
}
