package io.cgiguard.http;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Preconditions of the real-program tests: a missing program fails the test (never skips it) with
 * a message naming {@code test-scripts/ensure-packages.sh}, which installs what is missing.
 */
final class RequiredPrograms {

  static final String REMEDY = "run test-scripts/ensure-packages.sh to install it";

  private RequiredPrograms() {}

  /** Fails unless {@code program} is an executable file. */
  static Path requireExecutable(String program) {
    Path path = Path.of(program);
    if (!Files.isExecutable(path)) {
      fail(program + " is missing; " + REMEDY);
    }
    return path;
  }

  /** Fails unless {@code command} (an argv, looked up on PATH) starts and exits with status 0. */
  static void requireCommand(String what, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(what + " did not answer within 30s; " + REMEDY);
      }
      if (process.exitValue() != 0) {
        fail(what + " is missing; " + REMEDY);
      }
    } catch (java.io.IOException e) {
      fail(what + " is missing (" + e.getMessage() + "); " + REMEDY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while checking for " + what);
    }
  }
}
