package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.http.GatewayServer;
import io.cgiguard.http.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shop site as IIS ran it (test-scripts/sites/iis-shop), imported with
 * {@code import-iis} and served by the real gateway: what IIS refused to run or to serve stays
 * refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImportIisShopEndToEndTest {

  static final Path FIXTURE = TestGateway.PROJECT.resolve("test-scripts/sites/iis-shop");

  @TempDir
  static Path work;

  static ImportedSite site;
  static GatewayServer server;

  @BeforeAll
  static void importAndServe() throws Exception {
    Path root = TestGateway.copyTree(FIXTURE, work.resolve("shop-site"));
    site = ImportedSite.importing(work.resolve("shop.toml"),
        root.resolve("applicationHost.config").toString(),
        root.resolve("shop/web.config").toString(),
        root.resolve("shop/uploads/web.config").toString(),
        "--path-map", "%SystemDrive%\\inetpub\\shop=" + root.resolve("shop"),
        "--path-map", "D:\\media=" + root.resolve("media"),
        "--path-map", "\\\\fileserver\\cgi$=" + root.resolve("cgi"));
    server = site.serve(site.config());
  }

  @AfterAll
  static void stop() {
    if (site != null) {
      site.close();
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
    assertThat(site.importErrors()).contains("PerlAll").contains("accessPolicy");
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
    return ImportedSite.send(ImportedSite.request(server, path).GET().build());
  }
}
