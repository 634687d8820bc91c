package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A header sent as UTF-8 bytes reaches the script as those bytes, over real HTTP. */
class HeaderBytesTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void utf8HeaderBytesAreWhatTheScriptGets() throws Exception {
    // RawConnection writes each character as one byte: these are the UTF-8 bytes of "é ✓".
    String utf8 = new String("é ✓".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    try (TestGateway gateway = TestGateway.start()) {
      String answer = gateway.raw("GET /responses/env.pl HTTP/1.1\r\nHost: x\r\n"
          + "Cookie: name=" + utf8 + "\r\nX-Note: " + utf8 + "\r\nConnection: close\r\n\r\n",
          Duration.ofSeconds(20));
      // Read back one character per byte as well: the same bytes give the same characters.
      assertThat(answer).startsWith("HTTP/1.1 200 ").contains("\nHTTP_COOKIE=name=" + utf8 + "\n")
          .contains("\nHTTP_X_NOTE=" + utf8 + "\n");
    }
  }
}
