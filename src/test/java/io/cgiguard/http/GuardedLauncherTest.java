package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarded launcher under faults, through real HTTP: every fault ends in a prompt answer and
 * leaves no process behind. Fixtures record their pids under a temp directory named by the query
 * string, and the tests poll {@code /proc} for them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GuardedLauncherTest {

  private static final String ONE_ATTEMPT = """
      [retry]
      attempts = 1
      """;

  @TempDir
  Path pids;

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  @Test
  void scriptThatNeverWritesHeadersGets504WithinTheHeaderTimeoutAndIsGoneAfter() throws Exception {
    try (TestGateway gateway = TestGateway.start(ONE_ATTEMPT + """
        [timeouts]
        header = "1s"
        kill-grace = "500ms"
        """)) {
      long start = System.nanoTime();
      HttpResponse<String> response = gateway.get("/before-headers/hang-before-headers.sh?" + pids);
      long answeredAfter = millisSince(start);

      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(response.headers().firstValue("X-Cgiguard-Failure")).hasValue("header-timeout");
      assertThat(answeredAfter).isBetween(900L, 3_000L);
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(1));
      Duration gone = ProcessTable.await(Duration.ofSeconds(3), () -> ProcessTable.gone(pid),
          "script " + pid + " gone");
      report("504 after %d ms (header timeout 1 s), script gone %d ms later", answeredAfter,
          gone.toMillis());
    }
  }

  @Test
  void grandchildHoldingStdoutDoesNotKeepTheResponseOpenAndIsKilled() throws Exception {
    try (TestGateway gateway = TestGateway.start("""
        [timeouts]
        linger = "300ms"
        """)) {
      long start = System.nanoTime();
      HttpResponse<String> response = gateway.get("/processes/grandchild-holds-stdout.sh?" + pids);
      long answeredAfter = millisSince(start);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("answered\n");
      assertThat(answeredAfter).isLessThan(2_000L);
      long grandchild = ProcessTable.awaitPid(pids.resolve("grandchild.pid"), Duration.ofSeconds(1));
      Duration gone = ProcessTable.await(Duration.ofSeconds(3),
          () -> ProcessTable.gone(grandchild), "grandchild " + grandchild + " gone");
      report("grandchild: response complete after %d ms (linger 300 ms), grandchild gone %d ms"
          + " later", answeredAfter, gone.toMillis());
    }
  }

  @Test
  void scriptFloodingStderrBeforeItsHeadersIsAnsweredWithoutDeadlock() throws Exception {
    try (TestGateway gateway = TestGateway.start(ONE_ATTEMPT + """
        [timeouts]
        header = "20s"
        """)) {
      long start = System.nanoTime();
      HttpResponse<String> response = gateway.get("/resources/flood-stderr-then-answer.pl");
      report("64 MiB stderr flood answered after %d ms", millisSince(start));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("flooded 64\n");
    }
  }

  @Test
  @SuppressWarnings("try") // closes the socket inside the block: that is the disconnect
  void clientDisconnectingMidBodyGetsTheScriptKilledWithinTwoSeconds() throws Exception {
    try (TestGateway gateway = TestGateway.start();
        RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(10))) {
      connection.send("GET /after-headers/stream-forever.sh?" + pids
          + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(connection.readUntil("tick")).as("stream before its end").contains("tick");
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(1));
      connection.close();

      Duration took = ProcessTable.await(Duration.ofSeconds(2), () -> ProcessTable.gone(pid),
          "streaming script " + pid + " gone after the client left");
      assertThat(took).isLessThan(Duration.ofSeconds(2));
      report("disconnect: script gone %d ms after the client closed", took.toMillis());
    }
  }

  @Test
  @SuppressWarnings("try") // closes the gateway inside the block to see its scripts go
  void fiftyHungScriptsLeaveOtherRequestsAnsweringAndTheFiftyFirstGets503() throws Exception {
    try (TestGateway gateway = TestGateway.start("""
        [timeouts]
        header = "60s"
        [concurrency]
        max-running = 60
        max-per-script = 50
        queue = 10
        queue-wait = "300ms"
        """)) {
      List<CompletableFuture<HttpResponse<String>>> hung = new ArrayList<>();
      List<Path> pidFiles = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Path dir = Files.createDirectory(pids.resolve("hung-" + i));
        pidFiles.add(dir.resolve("script.pid"));
        hung.add(gateway.sendAsync("/before-headers/hang-before-headers.sh?" + dir));
      }
      ProcessTable.await(Duration.ofSeconds(30),
          () -> pidFiles.stream().allMatch(f -> ProcessTable.pidIn(f).isPresent()),
          "50 hung scripts running");

      long start = System.nanoTime();
      HttpResponse<String> fiftyFirst = gateway.get("/before-headers/hang-before-headers.sh");
      assertThat(fiftyFirst.statusCode()).isEqualTo(503);
      assertThat(fiftyFirst.headers().firstValue("Retry-After")).isPresent();
      assertThat(fiftyFirst.headers().firstValue("Retry-After").get()).containsPattern("^\\d+$");
      long rejectedAfter = millisSince(start);
      assertThat(rejectedAfter).isLessThan(2_000L);
      report("51st hung request: 503 after %d ms (queue-wait 300 ms)", rejectedAfter);

      assertAnswersPromptly(gateway, "/-/health", 200);
      assertAnswersPromptly(gateway, "/static.txt", 200);
      assertAnswersPromptly(gateway, "/responses/hello.sh", 200);
      assertThat(hung).noneMatch(CompletableFuture::isDone);

      List<Long> hungPids = pidFiles.stream().map(f -> ProcessTable.pidIn(f).getAsLong()).toList();
      gateway.close();
      ProcessTable.await(Duration.ofSeconds(10),
          () -> hungPids.stream().allMatch(ProcessTable::gone), "hung scripts gone after close");
    }
  }

  private static void report(String format, Object... values) {
    System.out.printf("GuardedLauncherTest: " + format + "%n", values);
  }

  private static void assertAnswersPromptly(TestGateway gateway, String path, int status)
      throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = gateway.get(path);
    assertThat(response.statusCode()).as(path).isEqualTo(status);
    assertThat(millisSince(start)).as(path + " answered within a second").isLessThan(1_000L);
  }

  @Test
  void cpuBurningScriptIsStoppedByItsCpuLimitAndReportedSo() throws Exception {
    try (TestGateway gateway = TestGateway.start(ONE_ATTEMPT + """
        [limits]
        cpu = "1s"
        """)) {
      HttpResponse<String> response = gateway.get("/resources/spin-cpu.sh", "Accept", "text/plain");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.headers().firstValue("X-Cgiguard-Failure"))
          .hasValue("killed-before-headers");
      // The kernel's own signals, not the gateway's: SIGXCPU at the soft limit, SIGKILL at the hard.
      assertThat(response.body()).contains("CPU time limit")
          .containsPattern("Ended: signal (24 \\(SIGXCPU\\)|9 \\(SIGKILL\\))");
    }
  }

  @Test
  void scriptExceedingItsMemoryLimitIsReportedAsOutOfMemory() throws Exception {
    try (TestGateway gateway = TestGateway.start(ONE_ATTEMPT + """
        [limits]
        address-space = "256MiB"
        """)) {
      HttpResponse<String> response = gateway.get("/resources/allocate-512mib.pl",
          "Accept", "text/plain");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.headers().firstValue("X-Cgiguard-Failure")).isPresent();
      assertThat(response.body()).contains("out of memory under the address-space limit");
    }
  }
}
