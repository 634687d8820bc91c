package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failures after the headers were relayed: the client already has a 200, so the only honest
 * signal is a connection that ends without a complete body; the operator sees the failure kind
 * in {@code /-/status} and {@code /-/metrics}.
 */
class AfterHeadersFailureTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GET = "GET /after-headers/%s HTTP/1.1\r\nHost: localhost\r\n\r\n";

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void truncatedBodyEndsTheConnectionShortOfContentLength() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      String received = gateway.raw(GET.formatted("truncated-body.cgi"), Duration.ofSeconds(10));

      assertThat(received).startsWith("HTTP/1.1 200").containsIgnoringCase("Content-Length: 1000");
      String body = received.substring(received.indexOf("\r\n\r\n") + 4);
      assertThat(body).isEqualTo("short\n");
      assertThat(recentFailureKinds(gateway)).contains("body-truncated");
      assertThat(gateway.get("/-/metrics").body())
          .containsPattern("cgiguard_requests_total\\{[^}]*outcome=\"body-truncated\"[^}]*\\} 1");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aBodyEndedByASignalIsNeverSentAsComplete() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      // The script's stdout has ended before the relay starts, as for any small response sent
      // whole with a length; a death by signal must still reach the client as a cut-off body.
      String received = gateway.raw(GET.formatted("killed-after-short-body.sh"),
          Duration.ofSeconds(10));

      assertThat(received).startsWith("HTTP/1.1 200").contains("partial\n")
          .doesNotContainIgnoringCase("Content-Length:").doesNotEndWith("\r\n0\r\n\r\n");
      assertThat(recentFailureKinds(gateway)).contains("body-truncated");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void stalledBodyIsCutOffAfterTheIdleTimeout() throws Exception {
    try (TestGateway gateway = TestGateway.start("[timeouts]\nbody-idle = \"1s\"\n")) {
      long started = System.nanoTime();
      String received = gateway.raw(GET.formatted("stall-after-first-line.sh"), Duration.ofSeconds(15));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(received).startsWith("HTTP/1.1 200").contains("first line");
      // Chunked and cut off: the closing zero-length chunk never comes.
      assertThat(received).doesNotEndWith("\r\n0\r\n\r\n");
      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(recentFailureKinds(gateway)).contains("body-stalled");
    }
  }

  private static String recentFailureKinds(TestGateway gateway) throws Exception {
    JsonNode status = JSON.readTree(
        gateway.get("/-/status", "Accept", "application/json").body());
    StringBuilder kinds = new StringBuilder();
    status.get("recentFailures").forEach(f -> kinds.append(f.get("kind").asText()).append(' '));
    return kinds.toString();
  }
}
