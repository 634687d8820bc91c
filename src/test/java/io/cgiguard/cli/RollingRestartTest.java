package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code test-scripts/lb/rolling-restart.sh}: two real gateways (child JVMs on this class
 * path) behind a real HAProxy, restarted one after the other under {@code cgiguard load}, with
 * zero failed requests. The script is the test; this makes CI run it.
 *
 * <p>The gateways keep root ({@code CGIGUARD_RUN_AS=root}) because their class path lies in a
 * home directory the run-as user could not read; {@code ServeAsRootTest} shows the drop.
 */
class RollingRestartTest {

  private static final Path PROJECT = Path.of(System.getProperty("cgiguard.project.dir", "."))
      .toAbsolutePath().normalize();

  @TempDir Path temp;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void twoInstancesRestartOneAfterTheOtherBehindHaproxyWithoutAFailedRequest() throws Exception {
    Path output = temp.resolve("rolling-restart.txt");
    ProcessBuilder builder = new ProcessBuilder(List.of("bash",
        PROJECT.resolve("test-scripts/lb/rolling-restart.sh").toString()));
    builder.environment().put("CGIGUARD", String.join(" ",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    builder.environment().put("CGIGUARD_RUN_AS", "root");
    builder.redirectErrorStream(true).redirectOutput(output.toFile())
        .redirectInput(new File("/dev/null"));
    Process script = builder.start();
    boolean ended = script.waitFor(220, TimeUnit.SECONDS);
    if (!ended) {
      script.destroy();
      script.waitFor(20, TimeUnit.SECONDS);
    }
    String printed = Files.readString(output);

    assertThat(ended).as(printed).isTrue();
    assertThat(script.exitValue()).as(printed).isZero();
    assertThat(printed).contains("a rejoined", "b rejoined", "0 failed requests")
        .containsPattern("(?m)^failures +0 \\(");
  }
}
