package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code [server] max-connections}. Every open connection costs the gateway heap, whether or not
 * it ever finishes a request: before the limit, about 8,000 connections that sent half a request
 * head made the gateway, as shipped with its 32 MiB heap, exit with {@code OutOfMemoryError}. With
 * it, connections beyond the limit wait in the listen queue, unaccepted, and are served as soon
 * as one of those held closes.
 */
class ConnectionLimitTest {

  private static final String REQUEST = "GET /responses/hello.sh HTTP/1.1\r\nHost: 127.0.0.1\r\n";

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aConnectionBeyondTheLimitWaitsAndIsServedWhenOneCloses() throws Exception {
    try (TestGateway gateway = TestGateway.start("""
        max-connections = 4
        header-read-timeout = "50s"
        """, "")) {
      List<RawConnection> held = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          // Half a request head: each holds its connection until the head deadline.
          held.add(RawConnection.open(gateway.port(), Duration.ofSeconds(30)).send(REQUEST));
        }
        try (Socket beyond = new Socket()) {
          beyond.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 10_000);
          beyond.getOutputStream().write((REQUEST + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          InputStream in = beyond.getInputStream();
          beyond.setSoTimeout(1_500);
          assertThatThrownBy(in::read).as("answered while four connections are held")
              .isInstanceOf(SocketTimeoutException.class);

          // One held connection finishes its request, and its client leaves once answered.
          String first = held.get(0).send("\r\n").readUntil("hello\n");
          assertThat(first).startsWith("HTTP/1.1 200 ");
          held.get(0).close();

          beyond.setSoTimeout(30_000);
          String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
          assertThat(answer).startsWith("HTTP/1.1 200 ").contains("hello");
        }
      } finally {
        for (RawConnection connection : held) {
          closeQuietly(connection);
        }
      }
    }
  }

  private static void closeQuietly(RawConnection connection) {
    try {
      connection.close();
    } catch (IOException e) {
      // Already closed by the gateway.
    }
  }
}
