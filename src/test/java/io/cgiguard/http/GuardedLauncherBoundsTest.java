package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarded launcher's bounds once the head is sent or when a script floods: the body idle and
 * total timeouts end the exchange and the script, and header and stderr sizes stay bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuardedLauncherBoundsTest {

  private static final String TERMINAL_CHUNK = "\r\n0\r\n\r\n";

  @TempDir
  Path pids;

  private String get(TestGateway gateway, String pathAndQuery) throws Exception {
    return gateway.raw("GET " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\n\r\n",
        Duration.ofSeconds(20));
  }

  @Test
  void silentBodyIsCutAtTheBodyIdleTimeoutAndTheScriptKilled() throws Exception {
    try (TestGateway gateway = TestGateway.start("""
        [timeouts]
        body-idle = "700ms"
        kill-grace = "300ms"
        """)) {
      long start = System.nanoTime();
      String answer = get(gateway, "/faults/stall-after-headers.sh?" + pids);
      long endedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(answer).startsWith("HTTP/1.1 200").contains("first line")
          .doesNotEndWith(TERMINAL_CHUNK);
      assertThat(endedAfter).isBetween(600L, 3_000L);
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(1));
      ProcessTable.await(Duration.ofSeconds(2), () -> ProcessTable.gone(pid),
          "stalled script " + pid + " gone");
    }
  }

  @Test
  void endlessBodyIsCutAtTheTotalTimeoutAndTheScriptKilled() throws Exception {
    try (TestGateway gateway = TestGateway.start("""
        [timeouts]
        total = "1500ms"
        kill-grace = "300ms"
        """)) {
      long start = System.nanoTime();
      String answer = get(gateway, "/faults/stream-slowly.sh?" + pids);
      long endedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(answer).startsWith("HTTP/1.1 200").contains("tick")
          .doesNotEndWith(TERMINAL_CHUNK);
      assertThat(endedAfter).isBetween(1_400L, 4_000L);
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(1));
      ProcessTable.await(Duration.ofSeconds(2), () -> ProcessTable.gone(pid),
          "streaming script " + pid + " gone");
    }
  }

  @Test
  void headerBlockPastTheLimitIsRefusedAsTooLarge() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      HttpResponse<String> response = gateway.get("/faults/oversized-header-block.pl");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.headers().firstValue("X-Cgiguard-Failure"))
          .hasValue("headers-too-large");
      assertThat(response.body()).doesNotContain("a".repeat(70 * 1024));
    }
  }

  @Test
  void stderrFloodIsKeptOnlyAsABoundedTailOnTheDiagnosticPage() throws Exception {
    try (TestGateway gateway = TestGateway.start("""
        [retry]
        attempts = 1
        [timeouts]
        header = "20s"
        """)) {
      // 64 MiB of stderr, then a body with no header block: a failure page with the stderr tail.
      HttpResponse<String> response = gateway.get("/faults/flood-stderr-64mib.pl",
          "Accept", "text/plain");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body()).contains("eeeeeeee");
      assertThat(response.body().length()).isLessThan(64 * 1024);
    }
  }
}
