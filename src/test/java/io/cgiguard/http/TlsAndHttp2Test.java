package io.cgiguard.http;

import static io.cgiguard.Digests.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Polling;
import io.cgiguard.config.ConfigException;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [tls]} and HTTP/2 with real clients: Java's HTTP/2 client and curl, against a
 * certificate this test generates with openssl, as a PEM chain and as PKCS#12.
 */
@Timeout(180)
class TlsAndHttp2Test {

  private static final Path SCRIPTS = io.cgiguard.TestScripts.path("tls");

  @TempDir static Path keys;
  private static Launcher launcher;
  private static GatewayServer pem;
  private static GatewayServer pkcs12;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", keys.resolve("key.pem").toString(),
        "-out", keys.resolve("chain.pem").toString());
    run("openssl", "pkcs12", "-export", "-in", keys.resolve("chain.pem").toString(),
        "-inkey", keys.resolve("key.pem").toString(), "-passout", "pass:s3cret",
        "-out", keys.resolve("store.p12").toString());
    launcher = Launchers.create();
    pem = start("h2c = true", """
        [tls]
        port = 0
        certificate = "%s"
        private-key = "%s"
        """.formatted(keys.resolve("chain.pem"), keys.resolve("key.pem")));
    pkcs12 = start("", """
        [tls]
        port = 0
        certificate = "%s"
        password = "s3cret"
        """.formatted(keys.resolve("store.p12")));
    client = http2Client();
  }

  @AfterAll
  static void stop() {
    pem.close();
    pkcs12.close();
    launcher.close();
  }

  /**
   * An HTTPS/1.1 client that leaves while its script is silent: the watch looks through TLS to
   * the socket under it, and the script is stopped long before its 30 s header timeout.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aTlsClientThatLeavesWhileTheScriptIsSilentHasItsScriptStopped(@TempDir Path temp)
      throws Exception {
    java.nio.file.Files.setPosixFilePermissions(temp,
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    SSLSocketFactory sockets = trusting(keys.resolve("chain.pem")).getSocketFactory();
    long pid;
    try (SSLSocket socket = (SSLSocket) sockets.createSocket("127.0.0.1",
        pem.tlsPort().orElseThrow())) {
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      socket.getOutputStream().write(("GET /before-headers/hang-before-headers.sh?" + temp
          + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      pid = ProcessTable.awaitPid(temp.resolve("script.pid"), Duration.ofSeconds(10));
    }
    ProcessTable.await(Duration.ofSeconds(10), () -> ProcessTable.gone(pid),
        "script " + pid + " stopped once its TLS client left");
  }

  @Test
  void javaClientGetsHttp2OverTlsAndTheScriptSeesHttpsOn() throws Exception {
    for (GatewayServer server : List.of(pem, pkcs12)) {
      HttpResponse<String> response = JettyPageScan.send(client, HttpRequest.newBuilder(
          https(server, "/tls/body-digest.sh")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.body()).contains("protocol=HTTP/2.0 https=on");
    }
  }

  @Test
  void requestBodyOverHttp2ReachesTheScriptWhole() throws Exception {
    byte[] body = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(body);
    // No length given: the body arrives as HTTP/2 DATA frames and streams to the script.
    HttpRequest request = HttpRequest.newBuilder(https(pem, "/tls/body-digest.sh"))
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
        .build();
    HttpResponse<String> response = JettyPageScan.send(client,
        request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.body()).contains("sha256=" + sha256(body));
  }

  @Test
  void getOverHttp2HasNoBodyAndKeepsItsRetries() throws Exception {
    HttpResponse<String> response = JettyPageScan.send(client, HttpRequest.newBuilder(
        https(pem, "/before-headers/exit-mid-header-line.sh")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("X-Cgiguard-Attempts")).contains("3");
  }

  /**
   * Draining, an HTTP/2 client is told to go away as an HTTP/1.1 one is told to close: a GOAWAY
   * once its connection is idle, from the moment the drain begins (its next stream goes on a new
   * connection, still served during the delay) and again after the listener closed (for
   * connections opened during the delay). A connection with a stream open is not told while it
   * is: Java 17's client fails its open streams on any GOAWAY, and the one it started here
   * finishes with 200. Without the GOAWAY a client could start streams for the whole drain.
   */
  @Test
  void drainingSendsIdleHttp2ClientsAGoAwayAndLetsBusyOnesFinish(@TempDir Path temp)
      throws Exception {
    java.nio.file.attribute.FileAttribute<?> open = java.nio.file.attribute.PosixFilePermissions
        .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path gate = Files.createDirectory(Files.createDirectory(temp.resolve("d"), open)
        .resolve("gate"), open);
    try (TestGateway gateway = TestGateway.start(
        "drain-delay = \"3s\"\ndrain-timeout = \"30s\"\n", """
        [tls]
        port = 0
        certificate = "%s"
        private-key = "%s"
        """.formatted(keys.resolve("chain.pem"), keys.resolve("key.pem")))) {
      HttpClient idle = http2Client();
      HttpClient busy = http2Client();
      URI env = https(gateway.server(), "/responses/env.pl");
      String first = remotePort(idle, env);
      assertThat(remotePort(idle, env)).as("one connection carries both streams").isEqualTo(first);
      java.util.concurrent.CompletableFuture<HttpResponse<String>> held = busy.sendAsync(
          HttpRequest.newBuilder(https(gateway.server(), "/responses/wait-for-release.sh?" + gate))
              .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(10),
          () -> gateway.metric("cgiguard_scripts_running") == 1)).isTrue();

      java.util.concurrent.CompletableFuture<Void> drained =
          java.util.concurrent.CompletableFuture.runAsync(gateway.server()::drain);

      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(2), () -> {
        String now = remotePortOrNull(idle, env);
        return now != null && !now.equals(first);
      })).as("during the delay the next stream is served on a new connection").isTrue();
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(20),
          () -> remotePortOrNull(idle, env) == null))
          .as("once the listener closed, no stream reaches the gateway").isTrue();
      assertThat(drained).isNotDone();
      Files.createFile(gate.resolve("release"));
      HttpResponse<String> answer = held.get(30, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("released\n");
      drained.get(30, TimeUnit.SECONDS);
    }
  }

  private static HttpClient http2Client() throws Exception {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
        .sslContext(trusting(keys.resolve("chain.pem"))).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** @return the client port the script saw, the mark of the connection that carried it */
  private static String remotePort(HttpClient h2, URI env) throws Exception {
    HttpResponse<String> response = h2.send(HttpRequest.newBuilder(env)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body().lines().filter(line -> line.startsWith("REMOTE_PORT="))
        .findFirst().orElseThrow();
  }

  /** As {@link #remotePort}, or null when the gateway could not be reached. */
  private static String remotePortOrNull(HttpClient h2, URI env) {
    try {
      return remotePort(h2, env);
    } catch (IOException e) {
      return null;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void http11IsStillOfferedByAlpn() throws Exception {
    HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(trusting(keys.resolve("chain.pem"))).build();
    HttpResponse<String> response = JettyPageScan.send(http11, HttpRequest.newBuilder(
        https(pem, "/tls/body-digest.sh")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(response.body()).contains("protocol=HTTP/1.1 https=on");
  }

  @Test
  void curlSpeaksHttp2OverTlsAndH2cOnThePlainPort() throws Exception {
    String tls = run("curl", "-sS", "--http2", "--cacert", keys.resolve("chain.pem").toString(),
        "-w", "\nversion=%{http_version}\n", https(pem, "/tls/body-digest.sh").toString());
    assertThat(tls).contains("protocol=HTTP/2.0 https=on").contains("version=2");
    String h2c = run("curl", "-sS", "--http2-prior-knowledge", "-w", "\nversion=%{http_version}\n",
        "http://127.0.0.1:" + pem.port() + "/tls/body-digest.sh");
    assertThat(h2c).contains("protocol=HTTP/2.0 https=off").contains("version=2");
    String upload = run("curl", "-sS", "--http2", "--cacert", keys.resolve("chain.pem").toString(),
        "--data-binary", "@" + keys.resolve("chain.pem"), https(pem, "/tls/body-digest.sh")
            .toString());
    assertThat(upload).contains("sha256=" + sha256(Files.readAllBytes(keys.resolve("chain.pem"))));
  }

  @Test
  void plainPortWithoutH2cStaysHttp11() throws Exception {
    Process curl = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-o", "/dev/null",
        "-w", "version=%{http_version}\n", "http://127.0.0.1:" + pkcs12.port() + "/")
        .redirectErrorStream(true).start();
    String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    // Without h2c the connection preface is not taken for HTTP/2 (the connection is closed).
    assertThat(answer).doesNotContain("version=2");
  }

  /**
   * TLS connections count against {@code [server] max-connections} as plain ones do, and cost the
   * gateway more each (a handshake, its buffers). Four clients that completed their handshake and
   * sent half a request head hold the four connections allowed; a fifth client's handshake goes
   * unanswered, its connection waiting unaccepted in the listen queue, until one of the four
   * finishes and leaves. Then its handshake completes and its request is answered.
   */
  @Test
  void tlsConnectionsBeyondTheLimitWaitForAHandshakeUntilOneCloses() throws Exception {
    GatewayServer limited = start("max-connections = 4\nheader-read-timeout = \"50s\"", """
        [tls]
        port = 0
        certificate = "%s"
        private-key = "%s"
        """.formatted(keys.resolve("chain.pem"), keys.resolve("key.pem")));
    SSLSocketFactory sockets = trusting(keys.resolve("chain.pem")).getSocketFactory();
    int port = limited.tlsPort().orElseThrow();
    String head = "GET /tls/body-digest.sh HTTP/1.1\r\nHost: localhost\r\n";
    List<SSLSocket> held = new ArrayList<>();
    ExecutorService fifth = Executors.newSingleThreadExecutor();
    try {
      for (int i = 0; i < 4; i++) {
        SSLSocket socket = (SSLSocket) sockets.createSocket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        held.add(socket);
      }
      Future<String> beyond = fifth.submit(() -> {
        try (SSLSocket socket =
            (SSLSocket) sockets.createSocket("127.0.0.1", port)) {
          socket.setSoTimeout(60_000);
          socket.startHandshake();
          socket.getOutputStream().write((head + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
      });
      assertThat(Polling.eventually(Duration.ofMillis(1500), beyond::isDone))
          .as("a fifth TLS connection got its handshake while four are held").isFalse();

      SSLSocket first = held.remove(0);
      first.getOutputStream().write("Connection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      first.getOutputStream().flush();
      String answer = new String(first.getInputStream().readAllBytes(),
          StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 200 ");
      first.close();

      assertThat(beyond.get(60, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200 ")
          .contains("https=on");
    } finally {
      fifth.shutdownNow();
      for (SSLSocket socket : held) {
        socket.close();
      }
      limited.close();
    }
  }

  @Test
  void badKeyMaterialIsAConfigurationProblemWithItsLine() throws Exception {
    ConfigException wrongPassword = refused("""
        [tls]
        certificate = "%s"
        password = "wrong"
        """.formatted(keys.resolve("store.p12")));
    assertThat(wrongPassword.getMessage()).contains("test.toml:2: tls.certificate")
        .contains("PKCS#12");
    ConfigException noKey = refused("[tls]\ncertificate = \"%s\"\n"
        .formatted(keys.resolve("chain.pem")));
    assertThat(noKey.getMessage()).contains("tls.private-key: is required with a PEM");
    ConfigException notAKey = refused("[tls]\ncertificate = \"%s\"\nprivate-key = \"%s\"\n"
        .formatted(keys.resolve("chain.pem"), keys.resolve("chain.pem")));
    assertThat(notAKey.getMessage()).contains("test.toml:3: tls.private-key")
        .contains("holds no PEM private key");
    ConfigException missing = refused("[tls]\nport = 8443\n");
    assertThat(missing.getMessage()).contains("tls.certificate: is required");
  }

  private static ConfigException refused(String toml) {
    try {
      new ConfigLoader(TestGateway.PROJECT).parse("test.toml", Optional.empty(), toml);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a configuration problem:\n" + toml);
  }

  private static GatewayServer start(String serverKeys, String tls) throws Exception {
    String text = """
        [server]
        port = 0
        access-log = "off"
        %s
        [[mount]]
        url = "/tls/"
        dir = "%s"
        [[mount]]
        url = "/before-headers/"
        dir = "%s"
        """.formatted(serverKeys, SCRIPTS, io.cgiguard.TestScripts.path("before-headers")) + tls;
    GatewayConfig config = new ConfigLoader(TestGateway.PROJECT)
        .parse("test.toml", Optional.empty(), text);
    GatewayServer server = new GatewayServer(config, launcher);
    server.start();
    return server;
  }

  private static URI https(GatewayServer server, String path) {
    return URI.create("https://localhost:" + server.tlsPort().orElseThrow() + path);
  }

  private static SSLContext trusting(Path chain) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(chain)) {
      trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), text).isZero();
    return text;
  }
}
