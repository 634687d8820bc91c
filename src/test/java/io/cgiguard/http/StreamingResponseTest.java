package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Script output reaches the client as it is written, and a huge body never piles up in memory. */
class StreamingResponseTest {

  private static final long MIB = 1024L * 1024L;

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("");

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aBodyWholeBeforeTheFirstWriteGoesOutWithItsLength() throws Exception {
    // Whether hello.sh has closed stdout by the time the relay looks is a race the script mostly
    // wins; either way the answer must be whole and framed one way or the other.
    int withLength = 0;
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> response = gateway.send(gateway.request("/responses/hello.sh"),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello\n");
      if (response.headers().firstValue("Content-Length").isPresent()) {
        assertThat(response.headers().firstValue("Content-Length")).hasValue("6");
        assertThat(response.headers().firstValue("Transfer-Encoding")).isEmpty();
        withLength++;
      }
    }
    assertThat(withLength).as("responses of 30 sent whole with a Content-Length").isPositive();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void firstPartArrivesBeforeTheScriptWritesTheSecond() throws Exception {
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(20))) {
      connection.send("GET /responses/stream.sh HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\n\r\n");
      connection.readUntil("first\n");
      long firstAt = System.nanoTime();
      String seen = connection.readUntil("second\n");
      long secondAt = System.nanoTime();
      assertThat(seen).startsWith("HTTP/1.1 200").contains("first\n").contains("second\n");
      // The script sleeps 2 s between the parts; buffering would deliver both together.
      assertThat(TimeUnit.NANOSECONDS.toMillis(secondAt - firstAt)).isGreaterThan(1000);
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void oneGibibyteBodyStreamsWithBoundedHeap() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    long peak = baseline;
    HttpResponse<InputStream> response = gateway.send(gateway.request("/responses/big.sh?1024"),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    long total = 0;
    long nextSample = 0;
    try (InputStream body = response.body()) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = body.read(buffer)) >= 0) {
        total += n;
        if (total >= nextSample) {
          peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
          nextSample = total + 8 * MIB;
        }
      }
    }
    assertThat(total).isEqualTo(1024 * MIB);
    // Garbage between collections counts too, so the bound is generous but far below 1 GiB.
    assertThat(peak - baseline).as("heap growth while relaying 1 GiB").isLessThan(256 * MIB);
  }
}
