package io.cgiguard.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.launch.posix.PosixLauncher;
import org.junit.jupiter.api.Test;

class LaunchersTest {

  @Test
  void picksPosixWhereItCanRunElseJdk() {
    try (Launcher launcher = Launchers.create()) {
      String expected = PosixLauncher.unsupportedReason().isEmpty() ? "posix" : "jdk";
      assertThat(launcher.name()).isEqualTo(expected);
    }
  }

  @Test
  void posixRunsOnThisLinuxBuildMachine() {
    // The native launcher is the product on Linux; a silent fall-back here would hide a break.
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(PosixLauncher.unsupportedReason()).isEmpty();
    } else {
      assertThat(PosixLauncher.unsupportedReason()).isPresent();
    }
  }
}
