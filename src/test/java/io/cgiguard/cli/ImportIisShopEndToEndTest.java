package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.http.GatewayServer;
import io.cgiguard.http.JettyPageScan;
import io.cgiguard.http.TestGateway;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A shop site as IIS ran it (test-scripts/sites/iis-shop), imported with
 * {@code import-iis} and served by the real gateway: what IIS refused to run or to serve stays
 * refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImportIisShopEndToEndTest {

  static final Path FIXTURE = ImportIisEndToEndTest.PROJECT
      .resolve("test-scripts/sites/iis-shop");

  @TempDir
  static Path work;

  static Launcher launcher;
  static GatewayServer server;
  static String importErrors;
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void importAndServe() throws Exception {
    Path root = TestGateway.copyTree(FIXTURE, work.resolve("shop-site"));
    Path toml = work.resolve("shop.toml");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ImportIisCommand());
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(root.resolve("applicationHost.config").toString(),
        root.resolve("shop/web.config").toString(),
        root.resolve("shop/uploads/web.config").toString(),
        "--path-map", "%SystemDrive%\\inetpub\\shop=" + root.resolve("shop"),
        "--path-map", "D:\\media=" + root.resolve("media"),
        "--path-map", "\\\\fileserver\\cgi$=" + root.resolve("cgi"),
        "--out", toml.toString());
    importErrors = err.toString();
    assertThat(status).as(importErrors).isZero();

    GatewayConfig config = new ConfigLoader(ImportIisEndToEndTest.PROJECT).load(toml);
    GatewayConfig.Server s = config.server();
    config = Configs.withServer(config, new GatewayConfig.Server("127.0.0.1", 0, s.docroot(),
        s.indexFiles(), s.runAs(), s.idleTimeout(), s.headerReadTimeout(), s.maxThreads(),
        s.localClients(), s.localHostNames(), s.drain()));
    launcher = Launchers.create();
    server = new GatewayServer(config, launcher);
    server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (launcher != null) {
      launcher.close();
    }
  }

  @Test
  void aScriptRunsWhereTheAccessPolicyAllowsScripts() throws Exception {
    HttpResponse<String> response = get("/hello.pl");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("hello from /hello.pl");
  }

  @Test
  void anUploadFolderWithAReadOnlyAccessPolicyNeitherRunsNorServesScripts() throws Exception {
    HttpResponse<String> response = get("/uploads/evil.pl");

    assertThat(response.statusCode()).isIn(403, 404);
    assertThat(response.body()).doesNotContain("uploaded script ran")
        .doesNotContain("#!/usr/bin/perl");
    assertThat(importErrors).contains("PerlAll").contains("accessPolicy");
  }

  @Test
  void aFileWithNoMimeMapAndNoMappingIsNotServedAsIisAnswers404Dot3() throws Exception {
    HttpResponse<String> module = get("/lib/Cfg.pm");
    HttpResponse<String> include = get("/header.inc");

    assertThat(module.statusCode()).isEqualTo(404);
    assertThat(module.body()).doesNotContain("s3cret");
    assertThat(include.statusCode()).isEqualTo(404);
    assertThat(include.body()).doesNotContain("secret include");
  }

  @Test
  void filesWithAMimeMapAreServed() throws Exception {
    assertThat(get("/index.htm").statusCode()).isEqualTo(200);
    assertThat(get("/images/logo.jpg").statusCode()).isEqualTo(200);
  }

  static HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.port() + path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Accept", "text/plain").GET().build();
    return JettyPageScan.send(CLIENT, request, HttpResponse.BodyHandlers.ofString());
  }
}
