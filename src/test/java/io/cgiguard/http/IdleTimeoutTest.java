package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code [server] idle-timeout} bounds a client that goes quiet, not a script: while a script
 * runs, a connection without a read or a write waiting is not idle, and the script's own
 * timeouts decide. With the defaults (both 30 s) a script that took as long as its header timeout
 * got an empty reply instead of the 504, and a script pausing in its body longer than the idle
 * timeout had its answer cut.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleTimeoutTest {

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("idle-timeout = \"1s\"", """
      [timeouts]
      header = "3s"
      [retry]
      attempts = 1
      """);

  @Test
  void aScriptSlowerThanTheIdleTimeoutStillAnswers() throws Exception {
    HttpResponse<String> answer = gateway.get("/responses/sleep-2s-then-answer.sh");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("slept\n");
  }

  @Test
  void aPauseInTheBodyLongerThanTheIdleTimeoutDoesNotCutIt() throws Exception {
    HttpResponse<String> answer = gateway.get("/after-headers/pause-then-finish.sh");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("first\nsecond\n");
  }

  @Test
  void aHungScriptGetsItsHeaderTimeoutNotAnEmptyReply() throws Exception {
    String answer = gateway.raw("GET /before-headers/hang-before-headers.sh HTTP/1.1\r\n"
        + "Host: x\r\nConnection: close\r\n\r\n", Duration.ofSeconds(30));
    assertThat(answer).startsWith("HTTP/1.1 504 ").contains("X-Cgiguard-Failure: header-timeout");
  }

  @Test
  void aQuietClientIsStillClosedAtTheIdleTimeout() throws Exception {
    try (RawConnection idle = RawConnection.open(gateway.port(), Duration.ofSeconds(10))) {
      long started = System.nanoTime();
      idle.send("GET /responses/hello.sh HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(idle.readToClose()).startsWith("HTTP/1.1 200 ").contains("hello\n");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("closed when idle")
          .isLessThan(Duration.ofSeconds(8));
    }
  }
}
