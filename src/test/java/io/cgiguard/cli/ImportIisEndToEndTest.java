package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.http.GatewayServer;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The IIS example imported with {@code import-iis} and served by the real gateway: what the IIS
 * configuration promised is what a client observes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImportIisEndToEndTest {

  static final Path PROJECT = Path.of(System.getProperty("cgiguard.project.dir", "."))
      .toAbsolutePath().normalize();
  static final String MARKER = "iis-e2e-stderr-marker";

  @TempDir
  static Path work;

  static Launcher launcher;
  static GatewayServer imported;
  static GatewayServer localOnly;
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void importAndServe() throws Exception {
    Path wwwroot = copyTree(PROJECT.resolve("conf/examples/iis/wwwroot"), work.resolve("wwwroot"));
    Files.copy(PROJECT.resolve("test-scripts/iis/dies-before-headers.pl"),
        wwwroot.resolve("cgi-bin/dies.pl"), StandardCopyOption.COPY_ATTRIBUTES);
    Path toml = work.resolve("imported.toml");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ImportIisCommand());
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(PROJECT.resolve("conf/examples/iis/applicationHost.config").toString(),
        wwwroot.resolve("web.config").toString(),
        "--path-map", "%SystemDrive%\\inetpub\\wwwroot=" + wwwroot, "--out", toml.toString());
    assertThat(status).as(err.toString()).isZero();

    GatewayConfig config = new ConfigLoader(PROJECT).load(toml);
    GatewayConfig.Server s = config.server();
    // Port 0 instead of IIS's 80; all addresses, so that a non-loopback client can be tried.
    config = Configs.withServer(config, new GatewayConfig.Server("0.0.0.0", 0, s.docroot(),
        s.indexFiles(), s.runAs(), s.idleTimeout(), s.headerReadTimeout(), s.maxThreads(),
        s.localClients()));
    launcher = Launchers.create();
    imported = start(config);
    localOnly = start(withErrorMode(config, GatewayConfig.ErrorMode.DETAILED_LOCAL_ONLY));
  }

  @AfterAll
  static void stop() {
    Stream.of(imported, localOnly).filter(s -> s != null).forEach(GatewayServer::close);
    if (launcher != null) {
      launcher.close();
    }
  }

  @Test
  void aWindowsPerlScriptWithCrlfAnswersThroughItsPlMapping() throws Exception {
    HttpResponse<String> response = send(imported, "127.0.0.1", "GET", "/cgi-bin/hello.pl", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("hello from perl via the .pl mapping")
        .contains("method=GET");
  }

  @Test
  void aVerbTheHandlerDoesNotAllowGets405() throws Exception {
    HttpResponse<String> response =
        send(imported, "127.0.0.1", "DELETE", "/cgi-bin/hello.pl", null);

    assertThat(response.statusCode()).isEqualTo(405);
  }

  @Test
  void aBodyOverMaxAllowedContentLengthGets413() throws Exception {
    String body = "x".repeat(1024 * 1024 + 1);

    HttpResponse<String> response = send(imported, "127.0.0.1", "POST", "/cgi-bin/hello.pl", body);

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void aUrlOverMaxUrlGets414() throws Exception {
    HttpResponse<String> response =
        send(imported, "127.0.0.1", "GET", "/cgi-bin/" + "a".repeat(1100) + ".pl", null);

    assertThat(response.statusCode()).isEqualTo(414);
  }

  @Test
  void aHiddenSegmentGets404() throws Exception {
    HttpResponse<String> response =
        send(imported, "127.0.0.1", "GET", "/private/hello.pl", null);

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void detailedErrorModeShowsDetailsToARemoteClientWhileTheDefaultDoesNot() throws Exception {
    String remote = nonLoopbackAddress();

    HttpResponse<String> detailed = send(imported, remote, "GET", "/cgi-bin/dies.pl", null);
    HttpResponse<String> hidden = send(localOnly, remote, "GET", "/cgi-bin/dies.pl", null);
    HttpResponse<String> local = send(localOnly, "127.0.0.1", "GET", "/cgi-bin/dies.pl", null);

    assertThat(detailed.statusCode()).isEqualTo(502);
    assertThat(detailed.body()).contains(MARKER);
    assertThat(hidden.statusCode()).isEqualTo(502);
    assertThat(hidden.body()).doesNotContain(MARKER);
    assertThat(local.body()).contains(MARKER);
  }

  @Test
  void checkNamesTheMappingThatRunsTheWindowsScript() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int status;
    // CheckCommand prints to the System.out it finds when it is made.
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      status = new CommandLine(new CheckCommand())
          .execute("--config", work.resolve("imported.toml").toString());
    } finally {
      System.setOut(stdout);
    }
    String report = printed.toString(StandardCharsets.UTF_8);

    assertThat(report).contains("configuration: ok");
    assertThat(report).containsPattern("hello\\.pl: note: .*Windows program C:\\\\Perl"
        + "\\\\bin\\\\perl\\.exe.*harmless here: mapping \\*\\.pl");
    assertThat(status).as(report).isIn(0, 1);
  }

  private static HttpResponse<String> send(GatewayServer server, String host, String method,
      String path, String body) throws Exception {
    URI uri = URI.create("http://" + host + ":" + server.port() + path);
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Accept", "text/plain").method(method, publisher).build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** An address of this machine that the server does not see as loopback. */
  private static String nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return address.getHostAddress();
        }
      }
    }
    assumeTrue(false, "this machine has no non-loopback IPv4 address to act as a remote client");
    return null;
  }

  private static GatewayServer start(GatewayConfig config) throws Exception {
    GatewayServer server = new GatewayServer(config, launcher);
    server.start();
    return server;
  }

  private static GatewayConfig withErrorMode(GatewayConfig c, GatewayConfig.ErrorMode mode) {
    return new GatewayConfig(c.source(), c.server(), c.mounts(), c.interpreters(),
        c.environment(), c.restrictions(), c.arguments(), c.timeouts(), c.limits(),
        c.concurrency(), c.retry(), c.circuit(), c.request(), c.response(),
        new GatewayConfig.Diagnostics(mode, Optional.empty()), c.admin());
  }

  private static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

}
