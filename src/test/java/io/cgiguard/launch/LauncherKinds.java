package io.cgiguard.launch;

import io.cgiguard.launch.jdk.JdkLauncher;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/** Every launcher this machine can run, for tests whose behaviour must match across them. */
final class LauncherKinds {
  private LauncherKinds() {}

  static Stream<Named<Supplier<Launcher>>> all() {
    return Stream.of(Named.of("jdk", JdkLauncher::new));
  }
}
