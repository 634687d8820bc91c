package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Polling;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drain in-process, watched from the client's side of the socket: during the drain delay a
 * keep-alive client is served and told to close; after the listener closed, a script that was
 * running finishes its response, and an idle keep-alive connection is closed in order (so its
 * client reconnects elsewhere) when the drain ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainTest {

  @TempDir Path temp;

  @Test
  void keepAliveClientsAreToldToCloseAndIdleConnectionsCloseWhenTheDrainEnds() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Launcher launcher = Launchers.create();
        GatewayServer server = gateway(launcher, "3s");
        Socket busy = new Socket();
        Socket idle = new Socket()) {
      server.start();
      int port = server.port();
      for (Socket socket : new Socket[] {busy, idle}) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        assertThat(exchange(socket, "/app/version.sh")).startsWith("HTTP/1.1 200")
            .doesNotContainIgnoringCase("connection: close");
      }
      CompletableFuture<HttpResponse<String>> slow = slowRequest(client, port);

      CompletableFuture<Void> drained = CompletableFuture.runAsync(server::drain);
      assertThat(Polling.eventually(Duration.ofSeconds(2), () -> status(client, port) == 503))
          .as("/-/health 503 at once").isTrue();
      String during = exchange(busy, "/app/version.sh");
      assertThat(Polling.eventually(Duration.ofSeconds(10), () -> refused(port)))
          .as("the listener closes after the delay").isTrue();

      assertThat(during).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close")
          .endsWith("version 1\n");
      assertThat(busy.getInputStream().read()).as("closed after that response").isEqualTo(-1);
      assertThat(idle.getInputStream().read()).as("an idle connection is closed, not reset")
          .isEqualTo(-1);
      HttpResponse<String> running = slow.get(20, TimeUnit.SECONDS);
      assertThat(running.statusCode()).isEqualTo(200);
      assertThat(running.body()).isEqualTo("finished\n");
      drained.get(20, TimeUnit.SECONDS);
    }
  }

  /**
   * A keep-alive client that sends its next request after the listener closed, on the connection
   * it held, still gets the script's answer (and is told to close), not the draining 503: the
   * request reached this gateway, and the drain waits for it as for the others.
   */
  @Test
  void aRequestOnAConnectionOpenedBeforeTheListenerClosedIsServedNotRefused() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Launcher launcher = Launchers.create();
        GatewayServer server = gateway(launcher, "0s");
        Socket kept = new Socket()) {
      server.start();
      int port = server.port();
      kept.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      kept.setSoTimeout(20_000);
      assertThat(exchange(kept, "/app/version.sh")).startsWith("HTTP/1.1 200");
      CompletableFuture<HttpResponse<String>> slow = slowRequest(client, port);

      CompletableFuture<Void> drained = CompletableFuture.runAsync(server::drain);
      assertThat(Polling.eventually(Duration.ofSeconds(10), () -> refused(port)))
          .as("the listener closed").isTrue();
      String late = exchange(kept, "/app/version.sh");

      assertThat(late).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close")
          .endsWith("version 1\n");
      assertThat(kept.getInputStream().read()).as("closed after that response").isEqualTo(-1);
      assertThat(slow.get(20, TimeUnit.SECONDS).body()).isEqualTo("finished\n");
      drained.get(20, TimeUnit.SECONDS);
    }
  }

  /** @return a gateway of the reload site, not started, with this drain delay */
  private GatewayServer gateway(Launcher launcher, String drainDelay) throws Exception {
    Path file = temp.resolve("cgiguard.toml");
    Files.writeString(file, ReloadSite.toml("v1",
        "drain-delay = \"" + drainDelay + "\"\ndrain-timeout = \"20s\"", ""));
    return new GatewayServer(new ConfigLoader(temp).load(file), launcher);
  }

  /** Starts a two-second script and returns once it runs. */
  private CompletableFuture<HttpResponse<String>> slowRequest(HttpClient client, int port)
      throws Exception {
    Path pids = Files.createDirectory(temp.resolve("pids"));
    CompletableFuture<HttpResponse<String>> slow = JettyPageScan.sendAsync(client,
        HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/slow/slow.sh?" + pids)).build(),
        HttpResponse.BodyHandlers.ofString());
    ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(10));
    return slow;
  }

  private static int status(HttpClient client, int port) {
    try {
      return JettyPageScan.send(client, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/-/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static boolean refused(int port) {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** One request on {@code socket}; @return the response head and body as far as they came. */
  private static String exchange(Socket socket, String path) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder text = new StringBuilder();
    byte[] buffer = new byte[8192];
    while (true) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      int head = text.indexOf("\r\n\r\n");
      if (head >= 0) {
        String lower = text.substring(0, head).toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("content-length:");
        if (lower.contains("transfer-encoding: chunked") && text.indexOf("\r\n0\r\n\r\n") > head) {
          break;
        }
        if (at >= 0) {
          int end = lower.indexOf("\r\n", at);
          long length = Long.parseLong(lower.substring(at + 15, end < 0 ? head : end).strip());
          if (text.length() >= head + 4 + length) {
            break;
          }
        }
      }
    }
    JettyPageScan.recordRaw("raw", "GET " + path, text.toString());
    return text.toString();
  }
}
