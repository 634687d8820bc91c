package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.http.GatewayServer;
import io.cgiguard.http.JettyPageScan;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
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
  static final String MARKER = "database password rejected";

  @TempDir
  static Path work;

  static Launcher launcher;
  static GatewayServer imported;
  static GatewayServer localOnly;
  /** The same two, but counting only a documentation network as local: loopback is remote. */
  static GatewayServer importedSeenRemote;
  static GatewayServer localOnlySeenRemote;
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void importAndServe() throws Exception {
    Path wwwroot = io.cgiguard.http.TestGateway.copyTree(PROJECT.resolve("conf/examples/iis/wwwroot"), work.resolve("wwwroot"));
    Files.copy(PROJECT.resolve("test-scripts/before-headers/exit-before-any-output.cgi"),
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
    // Port 0 on loopback instead of IIS's 80.
    config = Configs.withServer(config, new GatewayConfig.Server("127.0.0.1", 0, s.docroot(),
        s.indexFiles(), s.runAs(), s.idleTimeout(), s.headerReadTimeout(), s.maxThreads(),
        s.localClients(), s.localHostNames(), s.drain()));
    launcher = Launchers.create();
    imported = start(config);
    localOnly = start(withErrorMode(config, GatewayConfig.ErrorMode.DETAILED_LOCAL_ONLY));
    importedSeenRemote = start(asRemote(config));
    localOnlySeenRemote = start(asRemote(
        withErrorMode(config, GatewayConfig.ErrorMode.DETAILED_LOCAL_ONLY)));
  }

  @AfterAll
  static void stop() {
    Stream.of(imported, localOnly, importedSeenRemote, localOnlySeenRemote).filter(s -> s != null).forEach(GatewayServer::close);
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
  void aWindowsScriptBesideStaticPagesAnswersThroughTheSiteLevelMapping() throws Exception {
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
        work.resolve("wwwroot/reports/summary.pl")))).as("saved on Windows: no execute bit")
        .doesNotContain("x");

    HttpResponse<String> response =
        send(imported, "127.0.0.1", "GET", "/reports/summary.pl/2024/q1", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("report from perl beside the static pages",
        "script_name=/reports/summary.pl\n", "path_info=/2024/q1\n",
        "url=/reports/summary.pl/2024/q1\n", "appl_md_path=/LM/W3SVC/1/ROOT\n",
        "instance_id=1\n", "server_port_secure=0\n", "https=off\n");
  }

  @Test
  void theStaticPagesBesideTheScriptsAreServed() throws Exception {
    HttpResponse<String> index = send(imported, "127.0.0.1", "GET", "/reports/", null);
    HttpResponse<String> root = send(imported, "127.0.0.1", "GET", "/index.html", null);

    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("Static page beside");
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).contains("The site root of the IIS import example");
  }

  @Test
  void aSiteLevelScriptRefusesAVerbItsMappingDoesNotList() throws Exception {
    HttpResponse<String> response =
        send(imported, "127.0.0.1", "DELETE", "/reports/summary.pl", null);

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
    assertThat(response.body()).doesNotContain("report from perl");
  }

  @Test
  void pathsMatchRegardlessOfCaseAsInIis() throws Exception {
    HttpResponse<String> script = send(imported, "127.0.0.1", "GET", "/Reports/SUMMARY.PL", null);
    HttpResponse<String> cgiBin = send(imported, "127.0.0.1", "GET", "/CGI-BIN/Hello.PL", null);

    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("script_name=/reports/summary.pl\n");
    assertThat(cgiBin.statusCode()).isEqualTo(200);
    assertThat(cgiBin.body()).contains("hello from perl via the .pl mapping");
  }

  @Test
  void aUrlOverMaxUrlGets414OnTheSiteToo() throws Exception {
    HttpResponse<String> response =
        send(imported, "127.0.0.1", "GET", "/reports/" + "b".repeat(1100) + ".pl", null);

    assertThat(response.statusCode()).isEqualTo(414);
  }

  @Test
  void aVerbTheHandlerDoesNotAllowGets405() throws Exception {
    HttpResponse<String> response =
        send(imported, "127.0.0.1", "DELETE", "/cgi-bin/hello.pl", null);

    assertThat(response.statusCode()).isEqualTo(405);
  }

  @Test
  void aBodyOverMaxAllowedContentLengthGets413() throws Exception {
    // The declared length alone decides; a raw socket sends only the head, so the answer cannot
    // be lost in a race with a client still writing the body.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", imported.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("POST /cgi-bin/hello.pl HTTP/1.1\r\nHost: x\r\n"
          + "Content-Length: " + (1024 * 1024 + 1) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(
          socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(statusLine).startsWith("HTTP/1.1 413 ");
    }
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
    HttpResponse<String> detailed =
        send(importedSeenRemote, "127.0.0.1", "GET", "/cgi-bin/dies.pl", null);
    HttpResponse<String> hidden =
        send(localOnlySeenRemote, "127.0.0.1", "GET", "/cgi-bin/dies.pl", null);
    HttpResponse<String> local = send(localOnly, "127.0.0.1", "GET", "/cgi-bin/dies.pl", null);

    assertThat(detailed.statusCode()).isEqualTo(502);
    assertThat(detailed.body()).contains(MARKER);
    assertThat(hidden.statusCode()).isEqualTo(502);
    assertThat(hidden.body()).doesNotContain(MARKER);
    assertThat(local.body()).contains(MARKER);
  }

  @Test
  void checkNamesTheMappingThatRunsTheWindowsScript() throws Exception {
    Printed checked = Printed.check(work.resolve("imported.toml"));
    String report = checked.text();

    assertThat(report).contains("configuration: ok");
    assertThat(report).containsPattern("reports/summary\\.pl: runs: mapping \\*\\.pl "
        + "\\(/usr/bin/perl .*summary\\.pl\\)");
    assertThat(report).containsPattern("reports/index\\.htm: static file");
    assertThat(report).containsPattern("hello\\.pl: note: .*Windows program C:\\\\Perl"
        + "\\\\bin\\\\perl\\.exe.*harmless here: mapping \\*\\.pl");
    assertThat(checked.status()).as(report).isIn(0, 1);
  }

  private static HttpResponse<String> send(GatewayServer server, String host, String method,
      String path, String body) throws Exception {
    URI uri = URI.create("http://" + host + ":" + server.port() + path);
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Accept", "text/plain").method(method, publisher).build();
    return JettyPageScan.send(CLIENT, request, HttpResponse.BodyHandlers.ofString());
  }

  /** The configuration with only 192.0.2.0/24 (TEST-NET-1) counted as local clients. */
  private static GatewayConfig asRemote(GatewayConfig config) {
    GatewayConfig.Server s = config.server();
    return Configs.withServer(config, new GatewayConfig.Server(s.bind(), s.port(), s.docroot(),
        s.indexFiles(), s.runAs(), s.idleTimeout(), s.headerReadTimeout(), s.maxThreads(),
        java.util.List.of(io.cgiguard.config.AddressRange.parse("192.0.2.0/24")), s.localHostNames(),
        s.drain()));
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
        new GatewayConfig.Diagnostics(mode, Optional.empty()), c.admin(), c.site(),
        c.frontDoor(), c.fastcgi());
  }



}
