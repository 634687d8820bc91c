package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris: clients that trickle a request head byte by byte are closed after
 * {@code header-read-timeout}, idle keep-alive connections after {@code idle-timeout}, and a normal
 * client is served while hundreds of slow ones are open.
 */
class SlowClientTest {

  private static final int SLOW_CLIENTS = 200;
  /** The start of a head; after it a slow client sends one more byte of a never-ending field. */
  private static final byte[] SLOW_HEAD = "GET /static.txt HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
      .getBytes(StandardCharsets.US_ASCII);

  private Launcher launcher;
  private GatewayServer server;

  @BeforeEach
  void start() throws Exception {
    String toml = """
        [server]
        port = 0
        bind = "127.0.0.1"
        docroot = "%s"
        header-read-timeout = "2s"
        idle-timeout = "3s"
        [[mount]]
        url = "/responses/"
        dir = "%s"
        """.formatted(TestGateway.DOCROOT, TestScripts.path("responses"));
    GatewayConfig config = new ConfigLoader(TestGateway.PROJECT)
        .parse("slow.toml", Optional.empty(), toml);
    launcher = Launchers.create();
    server = new GatewayServer(config, launcher);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    launcher.close();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void normalClientIsServedWhileSlowHeadsAreOpenAndSlowHeadsAreClosedAfterTheTimeout()
      throws Exception {
    List<SocketChannel> slow = new ArrayList<>();
    try {
      for (int i = 0; i < SLOW_CLIENTS; i++) {
        slow.add(open());
      }
      trickle(slow, 0);
      HttpResponse<String> normal = normalGet();
      assertThat(normal.statusCode()).isEqualTo(200);
      assertThat(countOpen(slow)).as("slow clients still open right after the normal request")
          .isGreaterThan(0);

      // Far beyond the 2 s head deadline, and the idle timeout never fires while bytes arrive.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      int position = 1;
      while (countOpen(slow) > 0 && System.nanoTime() < deadline) {
        trickle(slow, position++);
        pause(Duration.ofMillis(200));
      }
      assertThat(countOpen(slow)).as("slow clients left open by the gateway").isZero();
      assertThat(normalGet().statusCode()).isEqualTo(200);
    } finally {
      for (SocketChannel channel : slow) {
        channel.close();
      }
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void headSentSlowlyButWithinTheTimeoutIsAnswered() throws Exception {
    try (SocketChannel channel = open()) {
      byte[] head = "GET /static.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < head.length; i += 8) {
        channel.write(ByteBuffer.wrap(head, i, Math.min(8, head.length - i)));
        pause(Duration.ofMillis(20));
      }
      String response = readUntilClosed(channel, Duration.ofSeconds(10));
      assertThat(response).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (SocketChannel channel = open()) {
      channel.write(ByteBuffer.wrap("GET /static.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII)));
      long started = System.nanoTime();
      String response = readUntilClosed(channel, Duration.ofSeconds(20));
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(response).startsWith("HTTP/1.1 200");
      // The response arrives at once; only the idle timeout (3 s), not the head deadline (2 s,
      // which does not run between requests), may close the kept-alive connection.
      assertThat(waitedMillis).isGreaterThanOrEqualTo(2_500);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void slowSecondHeadOnAKeptAliveConnectionIsClosedToo() throws Exception {
    try (SocketChannel channel = open()) {
      channel.write(ByteBuffer.wrap("GET /static.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII)));
      List<SocketChannel> one = List.of(channel);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      int position = 0;
      while (countOpen(one) > 0 && System.nanoTime() < deadline) {
        trickle(one, position++);
        pause(Duration.ofMillis(200));
      }
      assertThat(channel.isOpen()).as("kept-alive connection trickling its second head").isFalse();
      assertThat(position).as("bytes trickled before the close").isGreaterThan(5);
    }
  }

  private SocketChannel open() throws IOException {
    SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
    channel.configureBlocking(false);
    return channel;
  }

  private HttpResponse<String> normalGet() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/static.txt"))
        .timeout(Duration.ofSeconds(5)).build();
    return JettyPageScan.send(client, request, HttpResponse.BodyHandlers.ofString());
  }

  /** Sends one more byte of the unfinished head on every channel still open. */
  private static void trickle(List<SocketChannel> channels, int position) {
    for (SocketChannel channel : channels) {
      if (channel.isOpen()) {
        try {
          byte next = position < SLOW_HEAD.length ? SLOW_HEAD[position] : (byte) 'a';
          channel.write(ByteBuffer.wrap(new byte[] {next}));
        } catch (IOException closedByPeer) {
          closeQuietly(channel);
        }
      }
    }
  }

  /** @return how many channels the gateway has not closed; a channel it closed reads EOF */
  private static int countOpen(List<SocketChannel> channels) {
    int open = 0;
    ByteBuffer sink = ByteBuffer.allocate(4096);
    for (SocketChannel channel : channels) {
      if (!channel.isOpen()) {
        continue;
      }
      try {
        sink.clear();
        if (channel.read(sink) < 0) {
          closeQuietly(channel);
        } else {
          open++;
        }
      } catch (IOException reset) {
        closeQuietly(channel);
      }
    }
    return open;
  }

  /** Reads until the gateway closes or resets; what came is scanned as an answer to {@code GET}. */
  private static String readUntilClosed(SocketChannel channel, Duration limit) throws Exception {
    StringBuilder text = new StringBuilder();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      buffer.clear();
      int read;
      try {
        read = channel.read(buffer);
      } catch (IOException reset) {
        read = -1;
      }
      if (read < 0) {
        JettyPageScan.recordRaw("raw", "GET /static.txt", text.toString());
        return text.toString();
      }
      text.append(new String(buffer.array(), 0, read, StandardCharsets.ISO_8859_1));
      if (read == 0) {
        pause(Duration.ofMillis(20));
      }
    }
    throw new AssertionError("connection still open after " + limit + "; got: " + text);
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the peer already closed it; nothing is left to release
    }
  }

  /** The gap between two bytes a slow client sends; the waiting itself is bounded by deadlines. */
  private static void pause(Duration gap) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(gap.toMillis());
  }
}
