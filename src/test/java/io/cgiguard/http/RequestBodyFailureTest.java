package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request body the client spoils (malformed chunked framing, a body cut short) is the
 * client's failure, not the script's: the client is told 400 and why, the script is stopped, its
 * circuit hears nothing of it (else any client could open any script's circuit with a few bad
 * requests and have everyone refused), and an answer the script had begun is never sent as if
 * it were whole (no empty 200, no chunked body with its last chunk).
 */
class RequestBodyFailureTest {

  private static final String READS_THEN_ANSWERS = "/responses/count.pl";
  private static final String ANSWERS_THEN_READS = "/responses/head-then-read-body.sh";
  private static final String BAD_CHUNKS = "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void malformedChunkedBodiesAre400AndNeverOpenTheScriptsCircuit() throws Exception {
    try (TestGateway gateway = TestGateway.start("""
        [retry]
        attempts = 1
        [circuit]
        window = 20
        min-requests = 5
        failure-ratio = 0.5
        open-for = "60s"
        """)) {
      for (int i = 0; i < 8; i++) {
        String answer = gateway.raw("POST " + READS_THEN_ANSWERS + " HTTP/1.1\r\nHost: x\r\n"
            + "Connection: close\r\n" + BAD_CHUNKS, Duration.ofSeconds(20));
        assertThat(answer).as("request %d", i).startsWith("HTTP/1.1 400 ")
            .contains("could not be read")
            .doesNotContain("X-Cgiguard-Failure");
      }
      HttpResponse<String> after = gateway.send(gateway.request(READS_THEN_ANSWERS)
          .POST(HttpRequest.BodyPublishers.ofString("hello")), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).as("the script's circuit is still closed").isEqualTo(200);
      assertThat(after.body()).startsWith("5 ");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aBodyCutShortByTheClientIs400() throws Exception {
    try (TestGateway gateway = TestGateway.start();
        RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(20))) {
      String answer = connection.send("POST " + READS_THEN_ANSWERS + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Length: 100000\r\nConnection: close\r\n\r\n0123456789")
          .shutdownOutput().readToClose();
      assertThat(answer).startsWith("HTTP/1.1 400 ").contains("could not be read");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void anAnswerBegunBeforeTheBodyFailedNeverEndsAsAComplete200() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      for (String query : new String[] {"", "?line"}) {
        for (int i = 0; i < 6; i++) {
          // Kept alive, so that a body of unknown length goes out chunked and its end can be
          // told from a cut (a response to Connection: close would simply end with the close).
          String answer = gateway.raw("POST " + ANSWERS_THEN_READS + query + " HTTP/1.1\r\n"
              + "Host: x\r\n" + BAD_CHUNKS, Duration.ofSeconds(5));
          if (answer.startsWith("HTTP/1.1 400 ")) {
            assertThat(answer).contains("could not be read");
            continue;
          }
          // The head had gone out: the connection ends without the body's end. A chunked body
          // then lacks its last chunk; Jetty sends a body of unknown length on a connection it
          // must close (the request was bad) as "until the close", whose cut no client can
          // tell from an end, so there it is only known that the script's answer was not sent
          // whole.
          assertThat(answer).as("%s, request %d", query, i).startsWith("HTTP/1.1 200 ")
              .doesNotContainIgnoringCase("Content-Length")
              .doesNotContain("\r\n0\r\n\r\n")
              .doesNotContain("read ");
        }
      }
    }
  }
}
