package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.load.CannedServer.Canned;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real HTTP runs: counts, keep-alive framing, warmup, and latency at a fixed rate. */
@Timeout(60)
class LoadRunTest {

  @Test
  void closedLoopMeasuresExactlyTheRequestedCount() throws Exception {
    Server server = TrivialEndpoint.start(0);
    try {
      String url = "http://127.0.0.1:" + TrivialEndpoint.port(server) + "/";
      LoadResult result = new LoadRun(LoadPlans.requests(url, 4, 1000)).run();

      assertThat(result.requests()).isEqualTo(1000);
      assertThat(result.ok()).isEqualTo(1000);
      assertThat(result.failures()).isEmpty();
      assertThat(result.requestsPerSecond().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(1000);
      assertThat(result.latencyMicros().getTotalCount()).isEqualTo(1000);
    } finally {
      server.stop();
    }
  }

  @Test
  void chunkedAndClosingResponsesAreReadWhole() throws Exception {
    String body = "first half, second half: the end";
    Expectations wholeBody = new Expectations(Set.of(200), Optional.of(Pattern.compile("the end$")));
    try (CannedServer server = new CannedServer(Map.of(
        "/chunked", new Canned(200, Map.of(), body, true),
        "/close", new Canned(200, Map.of("Connection", "close"), body, false)))) {
      for (String path : List.of("/chunked", "/close")) {
        LoadResult result = new LoadRun(LoadPlans.requests(server.url(path), 2, 50,
            Duration.ofSeconds(5), wholeBody)).run();

        assertThat(result.ok()).as(path).isEqualTo(50);
      }
    }
  }

  @Test
  void aBusyKeepAliveConnectionTheServerDroppedCountsAsAnEmptyReply() throws Exception {
    // The server promises keep-alive, then closes after every answer without saying so. The
    // connection was never idle, so no keep-alive timeout explains the close: each request that
    // met it is the server's failure, counted, never retried into a success.
    try (RawServer server = new RawServer((out, in) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII));
      return false;
    })) {
      LoadResult result = new LoadRun(LoadPlans.requests(server.url(), 2, 100)).run();

      assertThat(result.failures()).containsOnlyKeys("empty-reply");
      assertThat(result.ok() + result.failures().get("empty-reply")).isEqualTo(100);
      assertThat(result.reconnects().count()).isZero();
    }
  }

  @Test
  void warmupResponsesAreNotCounted() throws Exception {
    Server server = TrivialEndpoint.start(0);
    try {
      LoadPlan plan = new LoadPlan(
          URI.create("http://127.0.0.1:" + TrivialEndpoint.port(server) + "/"), "GET",
          List.of("X-Test: warmup"), new byte[0], 2, 200, null, 0, Duration.ofSeconds(5),
          Duration.ofMillis(300), Expectations.ANY, 1024);
      LoadResult result = new LoadRun(plan).run();

      assertThat(result.requests()).isEqualTo(200);
      assertThat(result.ok()).isEqualTo(200);
    } finally {
      server.stop();
    }
  }

  @Test
  void openLoopSendsAtTheRequestedRate() throws Exception {
    Server server = TrivialEndpoint.start(0);
    try {
      LoadResult result = new LoadRun(openLoop(
          "http://127.0.0.1:" + TrivialEndpoint.port(server) + "/", 100, Duration.ofSeconds(2)))
          .run();

      assertThat(result.requests()).isBetween(180L, 202L);
      assertThat(result.mode()).isEqualTo("open");
    } finally {
      server.stop();
    }
  }

  @Test
  void openLoopCountsAServerStallInEveryRequestItDelayed() throws Exception {
    AtomicInteger served = new AtomicInteger();
    try (RawServer stalling = new RawServer((out, in) -> stallOnce(served, out))) {
      LoadResult open = new LoadRun(openLoop(stalling.url(), 200, Duration.ofSeconds(2))).run();
      served.set(0);
      LoadResult closed = new LoadRun(LoadPlans.requests(stalling.url(), 1, 400)).run();

      // Closed loop: the stall is one slow request among hundreds, invisible at p90. Open loop:
      // every request scheduled during the 600 ms waited for it.
      assertThat(closed.latencyMillisAt(90)).isLessThan(100);
      assertThat(closed.maxLatencyMillis()).isGreaterThanOrEqualTo(590);
      assertThat(open.latencyMillisAt(90)).isGreaterThan(200);
    }
  }

  /** The server side of the stall: the 50th request waits 600 ms before its answer. */
  private static boolean stallOnce(AtomicInteger served, OutputStream out) throws IOException {
    if (served.incrementAndGet() == 50) {
      long end = System.nanoTime() + Duration.ofMillis(600).toNanos();
      for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
        LockSupport.parkNanos(end - now);
      }
    }
    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
    return true;
  }

  private static LoadPlan openLoop(String url, double rate, Duration duration) {
    return new LoadPlan(URI.create(url), "GET", List.of(), new byte[0], 1, 0, duration, rate,
        Duration.ofSeconds(5), Duration.ZERO, Expectations.ANY, 1024);
  }
}
