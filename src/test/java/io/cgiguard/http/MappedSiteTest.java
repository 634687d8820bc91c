package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site whose scripts live beside its static pages, run by handler mapping through the real
 * gateway; script directories where only programs with an execute bit run; and, with
 * {@code [iis-compat]}, IIS's case-insensitive names and server variables.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MappedSiteTest {

  static final Path SITES = TestGateway.PROJECT.resolve("test-scripts/sites");

  @TempDir
  static Path work;

  static Path site;
  static Path plainMarkers;
  static Path explicitMarkers;
  static TestGateway gateway;
  static TestGateway iis;

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    site = TestGateway.copyTree(SITES.resolve("mapped"), work.resolve("site/mapped"));
    Path plain = TestGateway.copyTree(SITES.resolve("noexec"), work.resolve("plain/noexec"));
    Path explicit = TestGateway.copyTree(SITES.resolve("noexec"), work.resolve("explicit/noexec"));
    plainMarkers = markers(work.resolve("plain/markers"));
    explicitMarkers = markers(work.resolve("explicit/markers"));
    // Two names that differ only in case: IIS could never hold both.
    Files.createDirectories(site.resolve("dup"));
    Files.writeString(site.resolve("dup/Same.txt"), "upper\n");
    Files.writeString(site.resolve("dup/same.txt"), "lower\n");
    Files.createDirectories(site.resolve("upper"));
    Files.writeString(site.resolve("upper/INDEX.HTM"), "index in capitals\n");
    readable(work);
    String mounts = """
        [[mount]]
        url = "/"
        dir = "%s"
        execution = "mapped"
        allowed-methods = ["GET", "HEAD", "POST", "DELETE"]
        [[mount.handler]]
        path = "*.pl"
        script-processor = "/usr/bin/perl %%s"
        verbs = ["GET", "HEAD", "POST"]

        [[mount]]
        url = "/plain/"
        dir = "%s"

        [[mount]]
        url = "/explicit/"
        dir = "%s"
        [[mount.handler]]
        path = "*.pl"
        script-processor = "/usr/bin/perl %%s"
        [[mount.handler]]
        path = "*.py"
        script-processor = "/usr/bin/python3 %%s"

        [retry]
        attempts = 1
        """.formatted(site, plain, explicit);
    String index = "index-files = [\"index.htm\"]";
    gateway = TestGateway.start(index, mounts);
    iis = TestGateway.start(index, mounts + """

        [iis-compat]
        enabled = true
        site-id = 3
        applications = ["/app"]
        """);
  }

  @AfterAll
  static void stop() {
    Stream.of(gateway, iis).filter(g -> g != null).forEach(TestGateway::close);
  }

  @Test
  void aScriptBesideStaticPagesRunsThroughItsMappingWithoutAnExecuteBit() throws Exception {
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(site.resolve("app/report.pl")))).doesNotContain("x");

    HttpResponse<String> response = gateway.get("/app/report.pl");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("report ran\n", "SCRIPT_NAME=/app/report.pl\n",
        "PATH_INFO=\n");
  }

  @Test
  void whatFollowsTheScriptIsPathInfo() throws Exception {
    HttpResponse<String> response = gateway.get("/app/report.pl/2024/q1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("SCRIPT_NAME=/app/report.pl\n", "PATH_INFO=/2024/q1\n");
  }

  @Test
  void aStaticFileBesideTheScriptsIsServed() throws Exception {
    HttpResponse<String> response = gateway.get("/app/notes.txt");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("static notes beside the scripts\n");
  }

  @Test
  void aStaticFileTakesNoPathInfo() throws Exception {
    assertThat(gateway.get("/app/notes.txt/more").statusCode()).isEqualTo(404);
  }

  @Test
  void aDirectoryServesItsIndexFileAndNeverRuns() throws Exception {
    HttpResponse<String> root = gateway.get("/");
    HttpResponse<String> noSlash = gateway.get("/app");

    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).contains("static index of the mapped site");
    assertThat(noSlash.statusCode()).isEqualTo(301);
    assertThat(noSlash.headers().firstValue("Location")).hasValue("/app/");
    assertThat(gateway.get("/app/").statusCode()).isEqualTo(404);
  }

  @Test
  void aVerbTheMappingDoesNotListGets405WithAllow() throws Exception {
    HttpResponse<String> response = gateway.send(gateway.request("/app/report.pl")
        .method("DELETE", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
    assertThat(response.body()).doesNotContain("report ran");
  }

  @Test
  void aScriptNoMappingMatchesIsNeitherRunNorServedAsSource() throws Exception {
    HttpResponse<String> python = gateway.get("/app/tool.py");
    HttpResponse<String> program = gateway.get("/app/run-me");

    assertThat(python.statusCode()).isEqualTo(403);
    assertThat(python.body()).doesNotContain("secret source").contains("never served");
    assertThat(program.statusCode()).isEqualTo(403);
    assertThat(program.body()).doesNotContain("secret program").contains("execute bit");
  }

  @Test
  void aMappedScriptThatFailsIsDiagnosedAsInAScriptDirectory() throws Exception {
    HttpResponse<String> response = gateway.get("/app/dies.pl", "Accept", "text/plain");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("X-Cgiguard-Failure"))
        .hasValue("exited-before-headers");
    assertThat(response.body()).contains("mapped-site-dies-marker");
    assertThat(gateway.get("/-/metrics").body())
        .contains("cgiguard_attempts_total{outcome=\"exited-before-headers\","
            + "script=\"/app/dies.pl\"} 1");
  }

  @Test
  void aNonExecutableScriptInAScriptDirectoryIsRefusedAndNeverRuns() throws Exception {
    HttpResponse<String> perl = gateway.get("/plain/noexec.pl");
    HttpResponse<String> python = gateway.get("/plain/noexec.py");

    assertThat(perl.statusCode()).isEqualTo(403);
    assertThat(perl.body()).contains("no execute bit").doesNotContain("noexec.pl ran");
    assertThat(python.statusCode()).isEqualTo(403);
    assertThat(python.body()).doesNotContain("noexec.py ran");
    try (Stream<Path> left = Files.list(plainMarkers)) {
      assertThat(left).as("markers the scripts would have written").isEmpty();
    }
  }

  @Test
  void theSameFilesRunUnderAnExplicitMapping() throws Exception {
    HttpResponse<String> perl = gateway.get("/explicit/noexec.pl");
    HttpResponse<String> python = gateway.get("/explicit/noexec.py");

    assertThat(perl.statusCode()).isEqualTo(200);
    assertThat(perl.body()).isEqualTo("noexec.pl ran\n");
    assertThat(python.statusCode()).isEqualTo(200);
    assertThat(python.body()).isEqualTo("noexec.py ran\n");
    assertThat(explicitMarkers.resolve("noexec.pl.ran")).exists();
    assertThat(explicitMarkers.resolve("noexec.py.ran")).exists();
  }

  @Test
  void withoutIisCompatNamesAreCaseSensitiveAndNoIisVariableIsSet() throws Exception {
    assertThat(gateway.get("/APP/Report.PL").statusCode()).isEqualTo(404);
    assertThat(gateway.get("/app/report.pl").body()).contains("URL=(unset)\n",
        "HTTPS=(unset)\n", "APPL_MD_PATH=(unset)\n");
  }

  @Test
  void iisCompatMatchesNamesRegardlessOfCase() throws Exception {
    HttpResponse<String> script = iis.get("/APP/Report.PL/x");
    HttpResponse<String> file = iis.get("/App/NOTES.txt");

    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("SCRIPT_NAME=/app/report.pl\n", "PATH_INFO=/x\n");
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.body()).isEqualTo("static notes beside the scripts\n");
  }

  @Test
  void iisCompatFindsAnIndexFileRegardlessOfCase() throws Exception {
    assertThat(gateway.get("/upper/").statusCode()).isEqualTo(404);
    assertThat(iis.get("/Upper/").body()).isEqualTo("index in capitals\n");
  }

  @Test
  void iisCompatRefusesANameThatMatchesTwoFiles() throws Exception {
    HttpResponse<String> response = iis.get("/dup/SAME.txt", "Accept", "text/plain");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("Same.txt, same.txt").doesNotContain("upper")
        .doesNotContain("lower\n");
  }

  @Test
  void iisCompatGivesTheIisServerVariables() throws Exception {
    Path real = site.toRealPath();

    HttpResponse<String> response = iis.get("/app/report.pl/App/Notes.TXT",
        "Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            "mallory:x".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains(
        "URL=/app/report.pl/App/Notes.TXT\n",
        "APPL_MD_PATH=/LM/W3SVC/3/ROOT/app\n",
        "APPL_PHYSICAL_PATH=" + real.resolve("app") + "/\n",
        "INSTANCE_ID=3\n",
        "INSTANCE_META_PATH=/LM/W3SVC/3\n",
        "SERVER_PORT_SECURE=0\n",
        "HTTPS=off\n",
        "LOGON_USER=\n",
        "AUTH_USER=\n",
        "LOCAL_ADDR=127.0.0.1\n",
        // PATH_INFO names a file of this site: translated as a request for it would be.
        "PATH_TRANSLATED=" + real.resolve("app/notes.txt") + "\n");
    assertThat(response.body()).doesNotContain("mallory");
  }

  @Test
  void iisCompatNamesTheSiteRootApplicationOutsideAnyOther() throws Exception {
    Files.copy(site.resolve("app/report.pl"), site.resolve("top.pl"),
        StandardCopyOption.REPLACE_EXISTING);
    readable(site.resolve("top.pl"));

    HttpResponse<String> response = iis.get("/TOP.pl");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("APPL_MD_PATH=/LM/W3SVC/3/ROOT\n",
        "APPL_PHYSICAL_PATH=" + site.toRealPath() + "/\n", "URL=/top.pl\n");
  }

  private static Path markers(Path dir) throws IOException {
    Files.createDirectories(dir);
    return dir;
  }

  /** Directories 755 (markers 777) and files readable, for the user scripts run as. */
  private static void readable(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isDirectory(p)) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
              p.getFileName().toString().equals("markers") ? "rwxrwxrwx" : "rwxr-xr-x"));
        } else {
          String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
              mode.substring(0, 3) + "r" + mode.charAt(4) + mode.charAt(5) + "r" + mode.charAt(7)
                  + mode.charAt(8)));
        }
      }
    }
  }
}
