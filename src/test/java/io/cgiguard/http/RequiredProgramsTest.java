package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A missing program fails a real-program test and says how to install it; it never skips. */
class RequiredProgramsTest {

  @Test
  void missingExecutableFailsNamingTheInstallScript() {
    assertThatThrownBy(() -> RequiredPrograms.requireExecutable("/nonexistent/cgiguard-program"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("/nonexistent/cgiguard-program")
        .hasMessageContaining("test-scripts/ensure-packages.sh");
  }

  @Test
  void missingCommandFailsNamingTheInstallScript() {
    assertThatThrownBy(() -> RequiredPrograms.requireCommand("a missing tool",
        "cgiguard-no-such-command-anywhere"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a missing tool")
        .hasMessageContaining("test-scripts/ensure-packages.sh");
  }

  @Test
  void commandExitingNonZeroFailsNamingTheInstallScript() {
    assertThatThrownBy(() -> RequiredPrograms.requireCommand("perl with No::Such::Module",
        "perl", "-MNo::Such::Module", "-e", "1"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("test-scripts/ensure-packages.sh");
  }
}
