package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.config.GatewayConfig;
import io.cgiguard.http.GatewayServer;
import io.cgiguard.http.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IIS example imported with {@code import-iis} and served by the real gateway: what the IIS
 * configuration promised is what a client observes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImportIisEndToEndTest {

  static final String MARKER = "database password rejected";

  @TempDir
  static Path work;

  static ImportedSite site;
  static GatewayServer imported;
  static GatewayServer localOnly;
  /** The same two, but counting only a documentation network as local: loopback is remote. */
  static GatewayServer importedSeenRemote;
  static GatewayServer localOnlySeenRemote;

  @BeforeAll
  static void importAndServe() throws Exception {
    Path wwwroot = TestGateway.copyTree(
        TestGateway.PROJECT.resolve("conf/examples/iis/wwwroot"), work.resolve("wwwroot"));
    Files.copy(
        TestGateway.PROJECT.resolve("test-scripts/before-headers/exit-before-any-output.cgi"),
        wwwroot.resolve("cgi-bin/dies.pl"), StandardCopyOption.COPY_ATTRIBUTES);
    site = ImportedSite.importing(work.resolve("imported.toml"),
        TestGateway.PROJECT.resolve("conf/examples/iis/applicationHost.config").toString(),
        wwwroot.resolve("web.config").toString(),
        "--path-map", "%SystemDrive%\\inetpub\\wwwroot=" + wwwroot);

    GatewayConfig config = site.config();
    imported = site.serve(config);
    localOnly = site.serve(withErrorMode(config, GatewayConfig.ErrorMode.DETAILED_LOCAL_ONLY));
    importedSeenRemote = site.serve(asRemote(config));
    localOnlySeenRemote = site.serve(asRemote(
        withErrorMode(config, GatewayConfig.ErrorMode.DETAILED_LOCAL_ONLY)));
  }

  @AfterAll
  static void stop() {
    if (site != null) {
      site.close();
    }
  }

  @Test
  void aWindowsPerlScriptWithCrlfAnswersThroughItsPlMapping() throws Exception {
    HttpResponse<String> response = send(imported, "GET", "/cgi-bin/hello.pl");

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
        send(imported, "GET", "/reports/summary.pl/2024/q1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("report from perl beside the static pages",
        "script_name=/reports/summary.pl\n", "path_info=/2024/q1\n",
        "url=/reports/summary.pl/2024/q1\n", "appl_md_path=/LM/W3SVC/1/ROOT\n",
        "instance_id=1\n", "server_port_secure=0\n", "https=off\n");
  }

  @Test
  void theStaticPagesBesideTheScriptsAreServed() throws Exception {
    HttpResponse<String> index = send(imported, "GET", "/reports/");
    HttpResponse<String> root = send(imported, "GET", "/index.html");

    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("Static page beside");
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).contains("The site root of the IIS import example");
  }

  @Test
  void aSiteLevelScriptRefusesAVerbItsMappingDoesNotList() throws Exception {
    HttpResponse<String> response =
        send(imported, "DELETE", "/reports/summary.pl");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
    assertThat(response.body()).doesNotContain("report from perl");
  }

  @Test
  void pathsMatchRegardlessOfCaseAsInIis() throws Exception {
    HttpResponse<String> script = send(imported, "GET", "/Reports/SUMMARY.PL");
    HttpResponse<String> cgiBin = send(imported, "GET", "/CGI-BIN/Hello.PL");

    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("script_name=/reports/summary.pl\n");
    assertThat(cgiBin.statusCode()).isEqualTo(200);
    assertThat(cgiBin.body()).contains("hello from perl via the .pl mapping");
  }

  @Test
  void aUrlOverMaxUrlGets414OnTheSiteToo() throws Exception {
    HttpResponse<String> response =
        send(imported, "GET", "/reports/" + "b".repeat(1100) + ".pl");

    assertThat(response.statusCode()).isEqualTo(414);
  }

  @Test
  void aVerbTheHandlerDoesNotAllowGets405() throws Exception {
    HttpResponse<String> response =
        send(imported, "DELETE", "/cgi-bin/hello.pl");

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
        send(imported, "GET", "/cgi-bin/" + "a".repeat(1100) + ".pl");

    assertThat(response.statusCode()).isEqualTo(414);
  }

  @Test
  void aHiddenSegmentGets404() throws Exception {
    HttpResponse<String> response =
        send(imported, "GET", "/private/hello.pl");

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void detailedErrorModeShowsDetailsToARemoteClientWhileTheDefaultDoesNot() throws Exception {
    HttpResponse<String> detailed =
        send(importedSeenRemote, "GET", "/cgi-bin/dies.pl");
    HttpResponse<String> hidden =
        send(localOnlySeenRemote, "GET", "/cgi-bin/dies.pl");
    HttpResponse<String> local = send(localOnly, "GET", "/cgi-bin/dies.pl");

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

  private static HttpResponse<String> send(GatewayServer server, String method, String path)
      throws Exception {
    return ImportedSite.send(ImportedSite.request(server, path)
        .method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  /** The configuration with only 192.0.2.0/24 (TEST-NET-1) counted as local clients. */
  private static GatewayConfig asRemote(GatewayConfig config) {
    GatewayConfig.Server s = config.server();
    return Configs.withServer(config, new GatewayConfig.Server(s.bind(), s.port(), s.docroot(),
        s.indexFiles(), s.runAs(), s.idleTimeout(), s.headerReadTimeout(), s.maxThreads(),
        s.maxConnections(),
        java.util.List.of(io.cgiguard.config.AddressRange.parse("192.0.2.0/24")), s.localHostNames(),
        s.drain()));
  }

  private static GatewayConfig withErrorMode(GatewayConfig c, GatewayConfig.ErrorMode mode) {
    return new GatewayConfig(c.source(), c.server(), c.mounts(), c.interpreters(),
        c.environment(), c.restrictions(), c.arguments(), c.timeouts(), c.limits(),
        c.concurrency(), c.retry(), c.circuit(), c.request(), c.response(),
        new GatewayConfig.Diagnostics(mode, Optional.empty()), c.admin(), c.site(),
        c.frontDoor(), c.fastcgi());
  }



}
