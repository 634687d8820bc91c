package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Every failed request is logged exactly once, at WARN, under its request id, with evidence. */
class FailureLogTest {

  private final Logger failures = (Logger) LoggerFactory.getLogger("io.cgiguard.failures");
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private Level levelBefore;

  @BeforeEach
  void listen() {
    levelBefore = failures.getLevel();
    failures.setLevel(Level.WARN);
    events.start();
    failures.addAppender(events);
  }

  @AfterEach
  void stopListening() {
    failures.detachAppender(events);
    failures.setLevel(levelBefore);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void retriedFailureIsLoggedOnceWithRequestIdKindAndExitStatus() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      HttpResponse<String> response = gateway.get("/before-headers/exit-before-any-output.cgi");
      String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();

      List<ILoggingEvent> logged = events.list.stream()
          .filter(e -> e.getFormattedMessage().contains(requestId)).toList();
      assertThat(logged).hasSize(1);
      assertThat(logged.get(0).getLevel()).isEqualTo(Level.WARN);
      assertThat(logged.get(0).getFormattedMessage())
          .contains("exited-before-headers").contains("3 attempt").contains("exit 3");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void diagnosedFailureIsLoggedWithItsCause() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      HttpResponse<String> response = gateway.get("/startup-failures/missing-interpreter.cgi");
      String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();

      assertThat(events.list).filteredOn(e -> e.getFormattedMessage().contains(requestId))
          .singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
              .contains("spawn-failed").contains("The interpreter is not installed"));
    }
  }
}
