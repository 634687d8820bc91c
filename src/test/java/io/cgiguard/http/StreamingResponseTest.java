package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Script output reaches the client as it is written, and a huge body never piles up in memory. */
class StreamingResponseTest {

  private static final long MIB = 1024L * 1024L;

  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

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
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /responses/stream.sh HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder seen = new StringBuilder();
      long firstAt = -1;
      long secondAt = -1;
      byte[] buffer = new byte[4096];
      int n;
      while (secondAt < 0 && (n = in.read(buffer)) >= 0) {
        seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        long now = System.nanoTime();
        if (firstAt < 0 && seen.indexOf("first\n") >= 0) {
          firstAt = now;
        }
        if (seen.indexOf("second\n") >= 0) {
          secondAt = now;
        }
      }
      assertThat(seen.toString()).startsWith("HTTP/1.1 200");
      assertThat(firstAt).as("first part arrived").isPositive();
      assertThat(secondAt).as("second part arrived").isPositive();
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
