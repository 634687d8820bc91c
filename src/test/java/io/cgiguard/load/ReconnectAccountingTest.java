package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing hidden behind a reconnect: a close without a byte on a busy keep-alive connection is
 * the server's answer and is counted as an empty reply, every time; only a connection that sat
 * idle long enough for a keep-alive timeout to explain the close is retried, and that retry is
 * counted too.
 */
class ReconnectAccountingTest {

  private static final byte[] OK =
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1);

  @Test
  @Timeout(60)
  void everyCloseWithoutAByteIsCounted() throws Exception {
    AtomicInteger served = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    LoadResult result;
    try (RawServer server = new RawServer((out, in) -> {
      if (served.incrementAndGet() % 3 == 0) {
        closed.incrementAndGet();
        return false;
      }
      out.write(OK);
      return true;
    })) {
      result = new LoadRun(LoadPlans.requests(server.url(), 4, 600)).run();
    }
    long emptyReplies = result.failures().getOrDefault("empty-reply", 0L);
    assertThat(result.requests()).isEqualTo(600);
    assertThat(closed.get()).isGreaterThanOrEqualTo(190);
    // Every close is either an empty reply or a counted reconnect; none became a success.
    assertThat(emptyReplies + result.reconnects().count()).isEqualTo(closed.get());
    // The connections were never idle, so no close is explained by a keep-alive timeout.
    assertThat(result.reconnects().count()).isZero();
    assertThat(result.ok()).isEqualTo(served.get() - closed.get());
  }

  @Test
  @Timeout(60)
  void aCloseAfterAnIdleTimeoutIsRetriedAndCounted() throws Exception {
    AtomicInteger answered = new AtomicInteger();
    LoadResult result;
    // The server forgets a connection after 300 ms idle; requests come every 1.5 s.
    try (RawServer server = new RawServer((out, in) -> {
      answered.incrementAndGet();
      out.write(OK);
      return true;
    }, 300)) {
      LoadPlan plan = new LoadPlan(URI.create(server.url()), "GET", List.of(), new byte[0], 1, 3,
          null, 1 / 1.5, Duration.ofSeconds(5), Duration.ZERO, Expectations.ANY, 4096);
      result = new LoadRun(plan).run();
    }
    assertThat(result.requests()).isEqualTo(3);
    assertThat(result.ok()).isEqualTo(3);
    // Whether the second and third requests met the closed socket on write or on read, both
    // were sent again, and both are counted with how their first attempt ended.
    assertThat(result.reconnects().count()).isEqualTo(2);
    assertThat(result.reconnects().firstAttempt().values().stream().mapToLong(Long::longValue)
        .sum()).isEqualTo(2);
    assertThat(answered.get()).isEqualTo(3);
  }
}
