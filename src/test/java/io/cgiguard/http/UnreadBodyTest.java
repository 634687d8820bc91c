package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Digests;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A script may answer without reading its request body, while the client has not even sent all
 * of it. The thread that writes bodies to scripts must then be free again for the next request:
 * with one script at a time there is one such thread, so each POST that follows needs it back.
 */
class UnreadBodyTest {

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("""
      [concurrency]
      max-running = 1
      max-per-script = 1
      [timeouts]
      header = "10s"
      """);

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aScriptThatAnswersBeforeTheBodyEndsLeavesThePumpFree() throws Exception {
    byte[] read = "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    String digest = Digests.sha256(read);
    for (int round = 1; round <= 3; round++) {
      try (RawConnection stalled = RawConnection.open(gateway.port(), Duration.ofSeconds(20))) {
        // A megabyte announced, ten bytes sent: the rest never comes while the test looks.
        stalled.send("POST /responses/hello.sh HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\n"
            + "0123456789");
        String answer = stalled.readUntil("hello\n");

        HttpResponse<String> counted = gateway.send(gateway.request("/responses/count.pl")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(read)),
            HttpResponse.BodyHandlers.ofString());

        assertThat(answer).as("round %d", round).startsWith("HTTP/1.1 200");
        assertThat(counted.statusCode()).as("round %d: %s", round, counted.body())
            .isEqualTo(200);
        assertThat(counted.body()).as("round %d", round).startsWith("3 " + digest + "\n");
      }
    }
  }
}
