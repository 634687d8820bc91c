package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's time limits on a running script, checked by its periodic watchdog rather than a
 * timer per request: they must still fire, and a body longer than one relay buffer must still
 * arrive whole.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayTimeLimitsTest {

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("""
        [timeouts]
        header = "500ms"
        body-idle = "500ms"
        kill-grace = "200ms"
        """);

  @Test
  void scriptSilentPastTheHeaderTimeoutGetsGatewayTimeout() throws Exception {
    long started = System.nanoTime();
    HttpResponse<String> response = gateway.get("/before-headers/hang-before-headers.sh");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue("X-Cgiguard-Failure")).hasValue("header-timeout");
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void bodyStalledPastTheIdleTimeoutEndsTheConnectionWithoutACleanEnd() throws Exception {
    long started = System.nanoTime();
    String received = gateway.raw(
        "GET /after-headers/stall-after-first-line.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
        Duration.ofSeconds(20));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(received).startsWith("HTTP/1.1 200").contains("first line\n");
    // Chunked, and cut: the zero-length last chunk never comes.
    assertThat(received).doesNotEndWith("0\r\n\r\n");
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void bodyLongerThanOneRelayBufferArrivesWhole() throws Exception {
    HttpResponse<byte[]> response = gateway.getBytes("/responses/big.sh?3");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).hasSize(3 << 20);
  }
}
