package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code load --direct} with the real launcher and one fixture script per behaviour. */
@Timeout(60)
class DirectLoadTest {

  private static final int RUNS = 8;
  private static Launcher launcher;

  @BeforeAll
  static void open() {
    launcher = Launchers.create();
  }

  @AfterAll
  static void close() {
    launcher.close();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "before-headers/exit-mid-header-line.sh, exited-before-headers",
      "before-headers/segfault.sh, killed-before-headers",
      "after-headers/exit-1-after-headers.sh, exited-nonzero-after-headers",
      "startup-failures/not-executable.cgi, spawn-failed",
      // Judged by the gateway's parser and classifier, as the gateway would answer them.
      "before-headers/header-without-colon.cgi, malformed-headers",
      "before-headers/many-header-lines.pl, headers-too-large"})
  void namesEachWayAScriptFails(String script, String category) throws Exception {
    LoadResult result = new DirectLoad(launcher, fixture(script), 3, RUNS, null,
        Duration.ofSeconds(10)).run();

    assertThat(result.requests()).isEqualTo(RUNS);
    assertThat(result.failures()).containsExactly(Map.entry(category, (long) RUNS));
  }

  @Test
  void aCompleteResponseIsASuccess() throws Exception {
    LoadResult result = new DirectLoad(launcher, fixture("responses/hello.sh"), 4, 40,
        null, Duration.ofSeconds(10)).run();

    assertThat(result.ok()).isEqualTo(40);
    assertThat(result.mode()).isEqualTo("direct");
  }

  @Test
  void aScriptSilentPastTheTimeoutIsAHeaderTimeout() throws Exception {
    LoadResult result = new DirectLoad(launcher,
        fixture("before-headers/hang-before-headers.sh"), 2, 2, null, Duration.ofMillis(300)).run();

    assertThat(result.failures()).containsExactly(Map.entry("header-timeout", 2L));
  }

  @Test
  void aFlakyScriptSplitsIntoSuccessesAndPrematureEnds() throws Exception {
    LoadResult result = new DirectLoad(launcher, fixture("intermittent/flaky-unseeded.sh"), 4, 60,
        null, Duration.ofSeconds(10)).run();

    // Each run is a coin toss; 60 tosses all landing one way happens once in 2^59.
    assertThat(result.ok()).isPositive();
    assertThat(result.failures()).containsOnlyKeys("exited-before-headers");
    assertThat(result.ok() + result.failures().get("exited-before-headers")).isEqualTo(60);
  }

  static Path fixture(String name) {
    return TestScripts.path(name);
  }
}
