package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scan knows the page this Jetty version really writes: a plain Jetty server without the
 * gateway's error handler answers, and each of its error pages must be recognised.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JettyPageScanTest {

  private static Server jetty;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
    jetty.start();
    port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.stop();
  }

  @ParameterizedTest(name = "Accept: {0}")
  @ValueSource(strings = {"text/html", "text/plain", "application/json", "*/*"})
  void jettysNotFoundPageIsRecognisedInEveryFormat(String accept) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
        .newBuilder(URI.create("http://127.0.0.1:" + port + "/nothing")).header("Accept", accept)
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(404);
    String head = response.headers().map().entrySet().stream()
        .map(e -> e.getKey() + ": " + String.join(",", e.getValue()))
        .collect(Collectors.joining("\r\n"));
    assertThat(JettyPageScan.jettyMark(head, response.body())).as(head + "\n\n" + response.body())
        .isPresent();
  }

  @Test
  void jettysBadMessagePageIsRecognised() throws Exception {
    String answer;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      try (InputStream in = socket.getInputStream()) {
        in.transferTo(received);
      }
      answer = received.toString(StandardCharsets.ISO_8859_1);
    }
    int end = answer.indexOf("\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400 ");
    assertThat(end).as(answer).isPositive();
    assertThat(JettyPageScan.jettyMark(answer.substring(0, end), answer.substring(end + 4)))
        .as(answer).isPresent();
  }

  /** An answer read on a {@link RawConnection} is scanned like one a client library received. */
  @Test
  void aRawConnectionsAnswerGoesThroughTheScan() throws Exception {
    try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(20))) {
      assertThat(connection.send("GARBAGE\r\n\r\n").readToClose()).startsWith("HTTP/1.1 400 ");
    }
    // Taken here, so that the extension does not fail this test for the page it was sent.
    assertThat(JettyPageScan.drain()).singleElement().satisfies(finding -> {
      assertThat(finding.transport()).isEqualTo("raw");
      assertThat(finding.request()).isEqualTo("GARBAGE");
      assertThat(finding.status()).isEqualTo(400);
    });
  }

  @Test
  void theGatewaysOwnPageIsNotMistakenForJettys() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      String answer = gateway.raw("GARBAGE\r\n\r\n", Duration.ofSeconds(20));
      int end = answer.indexOf("\r\n\r\n");

      assertThat(answer).startsWith("HTTP/1.1 400 ");
      assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("x-request-id: ");
      assertThat(JettyPageScan.jettyMark(answer.substring(0, end), answer.substring(end + 4)))
          .as(answer).isEmpty();
    }
  }
}
