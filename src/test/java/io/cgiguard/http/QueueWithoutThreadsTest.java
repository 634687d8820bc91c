package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Polling;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests waiting in the bulkhead's queue hold no thread: with two scripts allowed to run and
 * sixty requests for them, Jetty's pool (two threads for the scripts, sixteen for everything else)
 * stays free for the health check and static files, and every waiting request is served in turn.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class QueueWithoutThreadsTest {

  private static final int REQUESTS = 60;

  @TempDir
  Path temp;

  @Test
  void sixtyQueuedRequestsLeaveThePoolFreeAndAreAllServed() throws Exception {
    Path gate = Files.createDirectories(temp.resolve("gate"));
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(gate, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (TestGateway gateway = TestGateway.start("""
        [concurrency]
        max-running = 2
        max-per-script = 2
        queue = 100
        queue-wait = "60s"
        """)) {
      List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        waiting.add(gateway.sendAsync("/responses/wait-for-release.sh?" + gate));
      }
      assertThat(Polling.eventually(Duration.ofSeconds(30),
          () -> gateway.metric("cgiguard_scripts_queued") == REQUESTS - 2
              && gateway.metric("cgiguard_scripts_running") == 2))
          .as("two scripts run and the other %d requests wait", REQUESTS - 2).isTrue();
      long poolThreads = Thread.getAllStackTraces().keySet().stream()
          .filter(thread -> thread.getName().startsWith("cgiguard-http")).count();

      long start = System.nanoTime();
      HttpResponse<String> health = gateway.get("/-/health");
      long healthMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(poolThreads).as("Jetty's pool: max-running + 16, fixed").isEqualTo(2 + 16);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(healthMillis).as("the health check did not wait behind the queue")
          .isLessThan(5_000);
      assertThat(waiting).noneMatch(CompletableFuture::isDone);

      Files.createFile(gate.resolve("release"));
      for (CompletableFuture<HttpResponse<String>> request : waiting) {
        HttpResponse<String> response = request.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("released\n");
      }
      assertThat(Polling.eventually(Duration.ofSeconds(10),
          () -> gateway.metric("cgiguard_scripts_running") == 0
              && gateway.metric("cgiguard_scripts_queued") == 0)).isTrue();
    }
  }
}
