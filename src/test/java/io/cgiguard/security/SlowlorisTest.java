package io.cgiguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris: 200 connections each trickle a request head one byte at a time. A normal client
 * is still answered promptly, and {@code header-read-timeout} closes every slow connection.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlowlorisTest {

  private static final int SLOW = 200;
  private static final byte[] TRICKLE = "X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void slowHeadsAreClosedAfterTheHeaderReadTimeoutWhileANormalClientIsServed() throws Exception {
    try (SecurityGateway gateway = SecurityGateway.start("""
        idle-timeout = "60s"
        header-read-timeout = "4s"
        """, "", "")) {
      List<SocketChannel> slow = new ArrayList<>();
      try {
        for (int i = 0; i < SLOW; i++) {
          SocketChannel channel = SocketChannel.open(
              new InetSocketAddress("127.0.0.1", gateway.gateway.port()));
          channel.write(ByteBuffer.wrap("GET /security/env.sh HTTP/1.1\r\nHost: x\r\n"
              .getBytes(StandardCharsets.US_ASCII)));
          channel.configureBlocking(false);
          slow.add(channel);
        }
        long started = System.nanoTime();
        HttpResponse<String> normal = gateway.gateway.get("/security/env.sh");
        assertThat(normal.statusCode()).isEqualTo(200);
        // Well before the 4s head timeout: the normal client did not wait for the slow ones to go.
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.MILLISECONDS.toNanos(3500));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int round = 0;
        int closed = 0;
        while (closed < SLOW && System.nanoTime() < deadline) {
          closed = 0;
          for (SocketChannel channel : slow) {
            closed += trickle(channel, TRICKLE[round % TRICKLE.length]) ? 0 : 1;
          }
          round++;
          TimeUnit.MILLISECONDS.sleep(200);
        }
        assertThat(closed).isEqualTo(SLOW);
        // Every connection sent a byte each 200ms, so the 60s idle timeout never fired: the
        // head timeout closed them, within twenty seconds.
        assertThat(round).isLessThan(100);
      } finally {
        for (SocketChannel channel : slow) {
          channel.close();
        }
      }
    }
  }

  /** Sends one more byte; false once the server has closed the connection. */
  private static boolean trickle(SocketChannel channel, byte next) {
    try {
      ByteBuffer in = ByteBuffer.allocate(1024);
      if (channel.read(in) < 0) {
        return false;
      }
      channel.write(ByteBuffer.wrap(new byte[] {next}));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
