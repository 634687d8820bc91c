package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The header timeout runs from the last part of the body the script took, not from its spawn: a
 * script that reads its whole body before answering (as CGI.pm does) is not blamed for a client
 * on a slow line, and a script that takes nothing is still ended by the timeout.
 */
class HeaderTimeoutWithBodyTest {

  private static final String TIMEOUTS = """
      [timeouts]
      header = "2s"
      """;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aSlowUploadToAScriptThatReadsItFirstIsAnswered() throws Exception {
    try (TestGateway gateway = TestGateway.start(TIMEOUTS);
        RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(30))) {
      int parts = 10;
      byte[] part = new byte[4096];
      connection.send("POST /responses/count.pl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          + "Content-Length: " + parts * part.length + "\r\n\r\n");
      Instant started = Instant.now();
      for (int i = 0; i < parts; i++) {
        connection.send(part, 0, part.length);
        // A client on a slow line: the whole body takes about 5 s, past the 2 s header timeout.
        TimeUnit.MILLISECONDS.sleep(500);
      }
      String answer = connection.readToClose();
      assertThat(Duration.between(started, Instant.now())).isGreaterThan(Duration.ofSeconds(4));
      assertThat(answer).startsWith("HTTP/1.1 200 ").contains("\r\n\r\n" + parts * part.length
          + " ");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aScriptThatTakesNoneOfItsBodyIsStillEndedByTheTimeout() throws Exception {
    try (TestGateway gateway = TestGateway.start(TIMEOUTS);
        RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(30))) {
      byte[] body = new byte[1024 * 1024];
      connection.send("POST /before-headers/hang-before-headers.sh HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n");
      Instant started = Instant.now();
      Thread writer = new Thread(() -> {
        try {
          connection.output().write(body);
        } catch (java.io.IOException closedByTheAnswer) {
          // The gateway answers and closes before taking the whole body.
        }
      });
      writer.start();
      String answer = connection.readToClose();
      writer.join(10_000);
      assertThat(answer).startsWith("HTTP/1.1 504 ").contains("X-Cgiguard-Failure: header-timeout");
      assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(15));
    }
  }
}
