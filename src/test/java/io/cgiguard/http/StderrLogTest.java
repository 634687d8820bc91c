package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cgiguard.Polling;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A script's stderr reaches the log without the power to forge lines or fill the disk: control
 * and format characters arrive escaped, and one request logs at most {@link
 * StderrLog#LIMIT_CHARS} characters of it, then says that the rest was left out.
 */
class StderrLogTest {

  private final Logger stderr = (Logger) LoggerFactory.getLogger("io.cgiguard.script.stderr");
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private Level levelBefore;

  @BeforeEach
  void listen() {
    levelBefore = stderr.getLevel();
    stderr.setLevel(Level.INFO);
    events.start();
    stderr.addAppender(events);
  }

  @AfterEach
  void stopListening() {
    stderr.detachAppender(events);
    stderr.setLevel(levelBefore);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void controlCharactersAreEscapedAndTheVolumeIsBounded() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      HttpResponse<String> response = gateway.get("/security/stderr-flood.sh");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("answered\n");
      String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
      assertThat(Polling.eventually(Duration.ofSeconds(20), () -> mine(requestId).stream()
          .anyMatch(line -> line.contains("is not logged for this request")))).isTrue();

      List<String> lines = mine(requestId);
      assertThat(lines.get(0)).contains("before\\x0d2026-01-01").contains("\\x1b[31m")
          .contains("\\u202e reversed").doesNotContain("\r").doesNotContain("\u001b")
          .doesNotContain("\u202e");
      long characters = lines.stream().mapToLong(String::length).sum();
      assertThat(characters).as("4 MiB of stderr logged as at most its first 64 KiB")
          .isLessThan(StderrLog.LIMIT_CHARS + 200L * lines.size());
      assertThat(lines).hasSizeLessThan(100);
    }
  }

  private List<String> mine(String requestId) {
    synchronized (events) { // the appender appends under its own lock
      return events.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(line -> line.startsWith("[" + requestId + "]")).toList();
    }
  }
}
