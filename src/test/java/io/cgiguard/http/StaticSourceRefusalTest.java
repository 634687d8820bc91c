package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.config.ConfigException;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The document root never serves a script as its source: a file with a script extension or an
 * execute bit is refused (403) by default, and {@code [static]} narrows or widens the rule.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaticSourceRefusalTest {

  @TempDir Path docroot;

  @BeforeEach
  void files() throws Exception {
    Files.setPosixFilePermissions(docroot, PosixFilePermissions.fromString("rwxr-xr-x"));
    write("page.html", "rw-r--r--", "<p>plain page</p>\n");
    write("report.pl", "rw-r--r--", "my $secret = 'perl source';\n");
    write("tool", "rwxr-xr-x", "#!/bin/sh\necho 'shell source'\n");
    write("notes.TXT", "rw-r--r--", "notes\n");
    Files.createDirectories(docroot.resolve("Docs"));
    write("Docs/Guide.html", "rw-r--r--", "guide\n");
  }

  @Test
  void scriptsAndProgramsAreRefusedAndPagesServed() throws Exception {
    try (TestGateway served = serve("")) {
      assertThat(served.get("/page.html").statusCode()).isEqualTo(200);
      HttpResponse<String> perl = served.get("/report.pl");
      HttpResponse<String> program = served.get("/tool");

      assertThat(perl.statusCode()).isEqualTo(403);
      assertThat(perl.body()).doesNotContain("perl source").contains("never served");
      assertThat(program.statusCode()).isEqualTo(403);
      assertThat(program.body()).doesNotContain("shell source").contains("execute bit");
    }
  }

  @Test
  void theSettingNarrowsOrWidensTheRule() throws Exception {
    try (TestGateway served = serve("""
        [static]
        refuse-executable = false
        refuse-extensions = [".txt"]
        """)) {
      assertThat(served.get("/report.pl").body()).contains("perl source");
      assertThat(served.get("/tool").body()).contains("shell source");
      assertThat(served.get("/notes.TXT").statusCode()).isEqualTo(403);
    }
  }

  @Test
  void aScriptDirectoryReachedByAnotherUrlIsNeverStaticEvenWithTheRuleNarrowed() throws Exception {
    Files.createDirectories(docroot.resolve("scripts"));
    Files.setPosixFilePermissions(docroot.resolve("scripts"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    write("scripts/run.sh", "rwxr-xr-x",
        "#!/bin/sh\n# secret source\nprintf 'Content-Type: text/plain\\r\\n\\r\\nran\\n'\n");
    try (TestGateway served = serve("""
        [[mount]]
        url = "/cgi/"
        dir = "%s"
        [static]
        refuse-executable = false
        refuse-extensions = []
        """.formatted(docroot.resolve("scripts")))) {
      HttpResponse<String> response = served.get("/scripts/run.sh");

      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).contains("a mount runs this file")
          .doesNotContain("secret source");
      assertThat(served.get("/cgi/run.sh").body()).isEqualTo("ran\n");
    }
  }

  @Test
  void aLinkIsJudgedByTheNameOfTheFileItLeadsToAsWell() throws Exception {
    Files.createSymbolicLink(docroot.resolve("link-to-pl.txt"), Path.of("report.pl"));
    Files.createDirectories(docroot.resolve("idxl"));
    Files.setPosixFilePermissions(docroot.resolve("idxl"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(docroot.resolve("idxl/index.html"), Path.of("../report.pl"));
    try (TestGateway served = serve("")) {
      HttpResponse<String> link = served.get("/link-to-pl.txt");
      HttpResponse<String> index = served.get("/idxl/");

      assertThat(link.statusCode()).isEqualTo(403);
      assertThat(link.body()).doesNotContain("perl source").contains("never served");
      assertThat(index.statusCode()).isEqualTo(403);
      assertThat(index.body()).doesNotContain("perl source").contains("never served");
    }
  }

  @Test
  void aLinkInAMappedMountToAScriptNoMappingRunsIsRefused() throws Exception {
    Path site = docroot.resolve("site");
    Files.createDirectories(site);
    Files.setPosixFilePermissions(site, PosixFilePermissions.fromString("rwxr-xr-x"));
    write("site/tool.py", "rw-r--r--", "print('python source')\n");
    Files.createSymbolicLink(site.resolve("tool.txt"), Path.of("tool.py"));
    try (TestGateway served = serve("""
        [[mount]]
        url = "/site/"
        dir = "%s"
        execution = "mapped"
        [[mount.handler]]
        path = "*.pl"
        script-processor = "/usr/bin/perl %%s"
        """.formatted(site))) {
      HttpResponse<String> response = served.get("/site/tool.txt");

      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).doesNotContain("python source").contains("never served");
    }
  }

  @Test
  void iisCompatFoldsCaseInTheDocumentRootToo() throws Exception {
    try (TestGateway plain = serve(""); TestGateway iis = serve("[iis-compat]\nenabled = true\n")) {
      assertThat(plain.get("/docs/guide.html").statusCode()).isEqualTo(404);
      assertThat(iis.get("/docs/guide.html").body()).isEqualTo("guide\n");
      assertThat(iis.get("/REPORT.PL").statusCode()).isEqualTo(403);
    }
  }

  @Test
  void badStaticAndExecutionSettingsNameTheirKey() {
    ConfigLoader loader = new ConfigLoader(docroot);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.parse("bad.toml",
        Optional.empty(), """
            [static]
            refuse-extensions = ["pl"]
            [[mount]]
            url = "/x/"
            dir = "x"
            execution = "sometimes"
            [iis-compat]
            applications = ["app"]
            """)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("static.refuse-extensions")
        .hasMessageContaining("'pl' is not an extension")
        .hasMessageContaining("mount[0].execution")
        .hasMessageContaining("(got 'sometimes')")
        .hasMessageContaining("iis-compat.applications");
  }

  private void write(String name, String mode, String text) throws Exception {
    Path file = docroot.resolve(name);
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }

  private TestGateway serve(String toml) throws Exception {
    GatewayConfig config = new ConfigLoader(docroot).parse("test.toml", Optional.empty(), """
        [server]
        port = 0
        docroot = "%s"
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(docroot, io.cgiguard.TestScripts.path("responses")) + toml);
    return TestGateway.start(config);
  }
}
