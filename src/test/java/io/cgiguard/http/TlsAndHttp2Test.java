package io.cgiguard.http;

import static io.cgiguard.Digests.sha256;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
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
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
        .sslContext(trusting(keys.resolve("chain.pem"))).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterAll
  static void stop() {
    pem.close();
    pkcs12.close();
    launcher.close();
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
