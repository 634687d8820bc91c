package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarded launcher's bounds once the head is sent or when a script floods: the body idle and
 * total timeouts end the exchange and the script, header and stderr sizes stay bounded, and one
 * hung script can hold only its own share of the slots.
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
      String answer = get(gateway, "/after-headers/stall-after-first-line.sh?" + pids);
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
      String answer = get(gateway, "/after-headers/stream-forever.sh?" + pids);
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
      HttpResponse<String> response = gateway.get("/before-headers/long-header-line.sh");

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
      HttpResponse<String> response = gateway.get("/resources/flood-stderr-then-plain-line.pl",
          "Accept", "text/plain");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body()).contains("eeeeeeee");
      assertThat(response.body().length()).isLessThan(64 * 1024);
    }
  }

  @Test
  @SuppressWarnings("try") // closes the gateway inside the block to see its scripts go
  void oneHungScriptFillsOnlyItsOwnSlotsWhileOtherScriptsKeepRunning() throws Exception {
    try (TestGateway gateway = TestGateway.start("""
        [timeouts]
        header = "30s"
        [concurrency]
        max-running = 8
        max-per-script = 3
        queue = 4
        queue-wait = "200ms"
        """)) {
      List<Path> pidFiles = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Path dir = Files.createDirectory(pids.resolve("hung-" + i));
        pidFiles.add(dir.resolve("script.pid"));
        gateway.sendAsync("/before-headers/hang-before-headers.sh?" + dir);
      }
      ProcessTable.await(Duration.ofSeconds(10),
          () -> pidFiles.stream().allMatch(f -> ProcessTable.pidIn(f).isPresent()),
          "3 hung scripts running");

      HttpResponse<String> fourth = gateway.get("/before-headers/hang-before-headers.sh");
      assertThat(fourth.statusCode()).isEqualTo(503);
      assertThat(fourth.headers().firstValue("X-Cgiguard-Failure")).hasValue("overloaded");
      for (int i = 0; i < 5; i++) {
        assertThat(gateway.get("/responses/hello.sh").body()).isEqualTo("hello\n");
      }
      List<Long> hung = pidFiles.stream()
          .map(f -> ProcessTable.pidIn(f).getAsLong()).toList();
      gateway.close();
      ProcessTable.await(Duration.ofSeconds(10), () -> hung.stream().allMatch(ProcessTable::gone),
          "hung scripts gone once the gateway closed");
    }
  }

  @Test
  void timeoutsOfAHandlerMappingOverrideTheGlobalOnes() throws Exception {
    try (TestGateway gateway = TestGateway.start("", """
        [[mount.handler]]
        path = "hang-before-headers.sh"
        header-timeout = "500ms"
        [[mount.handler]]
        path = "stall-after-first-line.sh"
        body-idle-timeout = "500ms"
        """, """
        [timeouts]
        header = "30s"
        body-idle = "60s"
        """)) {
      long start = System.nanoTime();
      HttpResponse<String> hung = gateway.get("/before-headers/hang-before-headers.sh");
      assertThat(hung.statusCode()).isEqualTo(504);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000L);

      start = System.nanoTime();
      String stalled = get(gateway, "/after-headers/stall-after-first-line.sh?" + pids);
      assertThat(stalled).contains("first line").doesNotEndWith(TERMINAL_CHUNK);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000L);
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(1));
      ProcessTable.await(Duration.ofSeconds(3), () -> ProcessTable.gone(pid),
          "stalled script " + pid + " gone");
    }
  }
}
