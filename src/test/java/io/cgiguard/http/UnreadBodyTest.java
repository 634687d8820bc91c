package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cgiguard.Digests;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

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
  /**
   * The same answer, many times: the pump is still reading the body, or waiting for more of it,
   * when the answer completes and Jetty reads what is left of the request itself. Both at once
   * failed inside Jetty with a NullPointerException, in the pump's thread (which died of it) or
   * in the completion, in about 2 of 100 such requests.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void thePumpStopsReadingBeforeTheAnswerCompletes() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    root.addAppender(events);
    List<String> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, failure) -> uncaught.add(thread.getName() + ": " + failure));
    try (TestGateway own = TestGateway.start("")) {
      for (int i = 0; i < 1000; i++) {
        try (RawConnection stalled = RawConnection.open(own.port(), Duration.ofSeconds(20))) {
          stalled.send("POST /responses/hello.sh HTTP/1.1\r\nHost: localhost\r\n"
              + "Content-Length: 1000000\r\n\r\n0123456789");
          assertThat(stalled.readUntil("hello\n")).as("request %d", i).startsWith("HTTP/1.1 200");
          if (i % 2 == 1) {
            byte[] more = new byte[64 * 1024];
            stalled.send(more, 0, more.length);
          }
        } catch (java.net.SocketException closedWhileSending) {
          // The gateway may end the connection while more of the body is on its way.
        }
      }
      assertThat(uncaught).as("threads that died").isEmpty();
      assertThat(events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(e -> e.getFormattedMessage() + " " + (e.getThrowableProxy() == null ? ""
              : e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage()))
          .toList()).as("warnings").isEmpty();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
      root.detachAppender(events);
    }
  }
}
