package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Digests;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real Apache httpd 2.4 speaks FastCGI to the gateway over its Unix socket through
 * mod_proxy_fcgi, configured as docs/fastcgi.md gives it, and the checks the nginx tests make go
 * through it in both ways of choosing the script: by URL against the gateway's mounts
 * ({@code ProxyPass} with {@code enablereuse=on}, so Apache keeps its connections), and by the
 * file Apache maps the URL to ({@code SetHandler "proxy:…"} in a {@code <Directory>}), which
 * Apache sends as {@code proxy:fcgi://localhost//path} with its default
 * {@code ProxyFCGIBackendType FPM}. The git-http-backend location of the docs, Apache's other
 * ways of naming a script ({@code ProxyPassMatch}, {@code ProxyFCGIBackendType GENERIC},
 * {@code ProxyFCGISetEnvIf}) and names outside the allowed roots have tests of their own.
 */
class FastCgiBehindApacheTest {

  /** How the front server's configuration names the script. */
  enum Mode { MOUNTS, PARAMS }

  private static final Path SCRIPTS = io.cgiguard.TestScripts.ROOT;

  /** The allowed roots in fcgiwrap mode, unless a test gives its own. */
  private static final List<Path> FIXTURE_ROOTS = List.of(
      io.cgiguard.TestScripts.path("responses"), io.cgiguard.TestScripts.path("before-headers"));

  @TempDir
  Path temp;

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void getWithAQueryAndPathInfoReachesTheScript(Mode mode) throws Exception {
    try (var front = front(mode, "", "", true)) {
      HttpResponse<String> response = front.get(client,
          "/responses/env.pl/extra/path?name=a%20b&x=1", "text/plain");

      assertThat(response.statusCode()).as(front.explain(response)).isEqualTo(200);
      assertThat(response.body()).contains("\nREQUEST_METHOD=GET\n",
          "\nQUERY_STRING=name=a%20b&x=1\n", "\nSCRIPT_NAME=/responses/env.pl\n",
          "\nPATH_INFO=/extra/path\n", "\nREMOTE_ADDR=127.0.0.1\n",
          "\nSCRIPT_FILENAME=" + SCRIPTS.resolve("responses/env.pl").toRealPath() + "\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void postBodiesReachTheScriptWholeWithAndWithoutALength(Mode mode) throws Exception {
    byte[] body = new byte[3 * 1024 * 1024 + 5];
    new Random(7).nextBytes(body);
    String digest = Digests.sha256(body);
    try (var front = front(mode, "", "", true)) {
      HttpResponse<String> sized = JettyPageScan.send(client, HttpRequest.newBuilder(
          front.server().uri("/responses/count.pl")).timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      // A publisher of unknown length: the client sends the body chunked.
      HttpResponse<String> chunked = JettyPageScan.send(client, HttpRequest.newBuilder(
          front.server().uri("/responses/count.pl")).timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofInputStream(
              () -> new java.io.ByteArrayInputStream(body))).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(sized.statusCode()).as(front.explain(sized)).isEqualTo(200);
      assertThat(sized.body()).isEqualTo(body.length + " " + digest + "\nCONTENT_LENGTH="
          + body.length + "\n");
      assertThat(chunked.statusCode()).as(front.explain(chunked)).isEqualTo(200);
      assertThat(chunked.body()).startsWith(body.length + " " + digest + "\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aScriptsStatusAndLocationReachTheClient(Mode mode) throws Exception {
    try (var front = front(mode, "", "", true)) {
      HttpResponse<String> status = front.get(client, "/responses/status.sh", "text/plain");
      HttpResponse<String> redirect = front.get(client, "/responses/redirect-absolute.sh",
          "text/plain");

      assertThat(status.statusCode()).as(front.explain(status)).isEqualTo(299);
      assertThat(status.body()).isEqualTo("custom status\n");
      assertThat(redirect.statusCode()).as(front.explain(redirect)).isEqualTo(302);
      assertThat(redirect.headers().firstValue("Location"))
          .hasValue("http://example.org/elsewhere?x=1");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aLargeResponseStreamsThroughWhole(Mode mode) throws Exception {
    int mib = 64;
    try (var front = front(mode, "", "", true)) {
      HttpResponse<InputStream> response = JettyPageScan.send(client, HttpRequest.newBuilder(
          front.server().uri("/responses/big.sh?" + mib)).timeout(Duration.ofSeconds(90)).build(),
          HttpResponse.BodyHandlers.ofInputStream());

      assertThat(response.statusCode()).isEqualTo(200);
      long total = 0;
      boolean zeros = true;
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = response.body()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          total += n;
          for (int i = 0; i < n && zeros; i++) {
            zeros = buffer[i] == 0;
          }
        }
      }
      assertThat(total).isEqualTo(mib * 1024L * 1024L);
      assertThat(zeros).as("the body is the script's zeros").isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void scriptDyingBeforeItsHeadersShowsTheGatewaysDiagnosisThroughApache(Mode mode)
      throws Exception {
    try (var front = front(mode, "", "", true)) {
      HttpResponse<String> html = front.get(client, "/before-headers/exit-before-any-output.cgi",
          "text/html");
      HttpResponse<String> json = front.get(client, "/before-headers/exit-before-any-output.cgi",
          "application/json");

      FrontChecks.assertDiagnosisOfExitBeforeHeaders(html, json);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void hungScriptIsAnswered504AndItsGroupIsGone(Mode mode) throws Exception {
    Path pids = FrontChecks.pidDirectory(temp);
    try (var front = front(mode, "[timeouts]\nheader = \"1s\"\n", "", true)) {
      FrontChecks.assertHungScriptAnswered504(
          front.get(client, "/before-headers/hang-before-headers.sh?" + pids, "text/plain"), pids);
    }
  }

  /**
   * Apache notices a client that went away only when it writes to it, so a script that has not
   * answered yet runs on until Apache's own timeout ends the FastCGI connection: then the gateway
   * kills the script's group at once, long before the gateway's own header timeout.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void apachesProxyTimeoutEndingTheConnectionKillsTheScript(Mode mode) throws Exception {
    Path pids = FrontChecks.pidDirectory(temp);
    String longerThanApache = "[timeouts]\nheader = \"60s\"\n";
    try (var front = front(mode, longerThanApache, "ProxyTimeout 5\n", true)) {
      HttpRequest hang = HttpRequest.newBuilder(
          front.server().uri("/before-headers/hang-before-headers.sh?" + pids))
          .timeout(Duration.ofSeconds(40)).build();
      java.util.concurrent.CompletableFuture<HttpResponse<String>> answer =
          JettyPageScan.sendAsync(client, hang, HttpResponse.BodyHandlers.ofString());
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(20));
      HttpResponse<String> response = answer.get(40, TimeUnit.SECONDS);

      assertThat(response.statusCode()).as(front.explain(response)).isEqualTo(504);
      assertThat(response.headers().firstValue("X-Cgiguard-Failure")).isEmpty();
      ProcessTable.await(Duration.ofSeconds(10), () -> ProcessTable.gone(pid),
          "hung script " + pid + " gone after Apache gave up on it");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void proxyErrorOverrideShowsApachesOwnPageWithTheGatewaysStatus() throws Exception {
    Path root = temp.resolve("pages");
    Path page = Files.createDirectories(root.resolve("errors")).resolve("502.html");
    Files.writeString(page, "Apache's own 502 page\n");
    for (Path dir : List.of(root, page.getParent())) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    String overriding = """
        DocumentRoot "%s"
        ProxyPass "/errors/" "!"
        ErrorDocument 502 /errors/502.html
        <Location "/before-headers/">
          ProxyErrorOverride On
        </Location>
        """.formatted(root);
    try (var front = front(Mode.MOUNTS, "", overriding, true)) {
      HttpResponse<String> response = front.get(client,
          "/before-headers/exit-before-any-output.cgi", "text/html");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body()).isEqualTo("Apache's own 502 page\n");
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void gitClonesAndPushesThroughTheDocumentedGitLocation() throws Exception {
    RequiredPrograms.requireExecutable(GitClient.BACKEND);
    RequiredPrograms.requireCommand("git", "git", "--version");
    GitClient git = new GitClient(temp);
    Path repos = Files.createDirectories(temp.resolve("repos"));
    Path bare = repos.resolve("project.git");
    git.seededRepository(bare, "hello through Apache\n");
    // docs/fastcgi.md's git-http-backend location, with this test's paths.
    String directives = """
        <Location "/git/">
          SetEnv GIT_PROJECT_ROOT %1$s
          SetEnv GIT_HTTP_EXPORT_ALL
          ProxyFCGISetEnvIf "true" SCRIPT_FILENAME "%2$s"
          ProxyFCGISetEnvIf "%%{REQUEST_URI} =~ m#^/git(/[^?]*)#" PATH_INFO "$1"
          SetHandler "proxy:unix:%3$s|fcgi://localhost/"
        </Location>
        """.formatted(repos, GitClient.BACKEND, FrontedGateway.socket(temp));
    String roots = "allowed-roots = [\"/usr/lib/git-core\"]\n";
    try (var front = front(Mode.PARAMS, roots, directives, false)) {
      Path clone = temp.resolve("clone");
      git.git(temp, "clone", front.server().uri("/git/project.git").toString(),
          clone.toString());
      assertThat(clone.resolve("README")).hasContent("hello through Apache");

      byte[] payload = new byte[5 * 1024 * 1024];
      new Random(5).nextBytes(payload);
      Files.write(clone.resolve("payload.bin"), payload);
      git.git(clone, "add", "payload.bin");
      git.git(clone, "commit", "-m", "large push");
      Path trace = temp.resolve("push-trace.txt");
      git.traced(trace, clone, "push", "origin", "HEAD:main");
      assertThat(Files.readString(trace, java.nio.charset.StandardCharsets.ISO_8859_1))
          .containsIgnoringCase("Send header: Transfer-Encoding: chunked");
      assertThat(git.git(bare, "rev-parse", "main")).isEqualTo(git.git(clone, "rev-parse", "HEAD"));
      assertThat(git.git(bare, "cat-file", "-s", "main:payload.bin"))
          .isEqualTo(Integer.toString(payload.length));
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void apachesOtherWaysOfNamingTheScriptFindItAndItsPathInfo() throws Exception {
    Path inside = Files.createDirectories(temp.resolve("inside"));
    Path spaced = Files.writeString(inside.resolve("a b.sh"), "#!/bin/sh\nprintf 'Content-Type:"
        + " text/plain\\r\\n\\r\\n%s|%s|%s\\n' \"$SCRIPT_FILENAME\" \"$SCRIPT_NAME\""
        + " \"$PATH_INFO\"\n");
    Files.setPosixFilePermissions(spaced, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path socket = FrontedGateway.socket(temp);
    String directives = """
        ProxyPassMatch "^/match/(.*)$" "unix:%1$s|fcgi://localhost%2$s/$1"
        ProxyPassMatch "^/generic/(.*)$" "unix:%1$s|fcgi://localhost%2$s/$1"
        <Location "/generic/">
          ProxyFCGIBackendType GENERIC
        </Location>
        <Location "/named/">
          ProxyFCGISetEnvIf "true" SCRIPT_FILENAME "%2$s/a b.sh"
          ProxyFCGISetEnvIf "%%{REQUEST_URI} =~ m#^/named(/[^?]*)#" PATH_INFO "$1"
          SetHandler "proxy:unix:%1$s|fcgi://localhost/"
        </Location>
        """.formatted(socket, inside);
    String roots = "allowed-roots = [\"" + inside + "\"]\n";
    try (var front = front(Mode.PARAMS, roots, directives, false)) {
      HttpResponse<String> match = front.get(client, "/match/a%20b.sh/x%20y/z?q=1", "text/plain");
      HttpResponse<String> generic = front.get(client, "/generic/a%20b.sh/p", "text/plain");
      HttpResponse<String> named = front.get(client, "/named/repo.git/info/refs", "text/plain");

      String file = spaced.toRealPath().toString();
      assertThat(match.statusCode()).as(front.explain(match)).isEqualTo(200);
      assertThat(match.body()).isEqualTo(file + "|/match/a b.sh|/x y/z\n");
      assertThat(generic.statusCode()).as(front.explain(generic)).isEqualTo(200);
      assertThat(generic.body()).isEqualTo(file + "|/generic/a b.sh|/p\n");
      assertThat(named.statusCode()).as(front.explain(named)).isEqualTo(200);
      assertThat(named.body()).isEqualTo(file + "|/named|/repo.git/info/refs\n");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void scriptFilenameOutsideTheAllowedRootsNeverRuns() throws Exception {
    FrontChecks.Escapes escapes = FrontChecks.Escapes.in(temp);
    Path inside = escapes.inside();
    Path socket = FrontedGateway.socket(temp);
    String directives = """
        DocumentRoot "%1$s"
        <Directory "%1$s">
          SetHandler "proxy:unix:%2$s|fcgi://localhost/"
        </Directory>
        <Location "/direct">
          ProxyFCGISetEnvIf "true" SCRIPT_FILENAME "%3$s"
          SetHandler "proxy:unix:%2$s|fcgi://localhost/"
        </Location>
        <Location "/dotdot">
          ProxyFCGISetEnvIf "true" SCRIPT_FILENAME "%1$s/../outside/marker.sh"
          SetHandler "proxy:unix:%2$s|fcgi://localhost/"
        </Location>
        ProxyPassMatch "^/match/(.*)$" "unix:%2$s|fcgi://localhost%1$s/$1"
        """.formatted(inside, socket, escapes.marker());
    String roots = "allowed-roots = [\"" + inside + "\"]\n";
    try (var front = front(Mode.PARAMS, roots, directives, false)) {
      HttpResponse<String> viaLink = front.get(client, "/escape.sh", "text/plain");
      HttpResponse<String> direct = front.get(client, "/direct", "text/plain");
      HttpResponse<String> dotdot = front.get(client, "/dotdot", "text/plain");
      // Apache itself refuses encoded dots (400) or resolves them before matching (404).
      HttpResponse<String> encoded = front.get(client, "/match/%2e%2e/outside/marker.sh",
          "text/plain");
      HttpResponse<String> allowed = front.get(client, "/allowed.sh", "text/plain");

      assertThat(encoded.statusCode()).as(front.explain(encoded)).isIn(400, 403, 404);
      escapes.assertOnlyTheAllowedRan(viaLink, direct, dotdot, allowed);
    }
  }

  /**
   * The gateway and Apache, configured with {@code directives} and then, when {@code site}, this
   * mode's configuration for the fixtures.
   *
   * @param gatewayToml as {@link FrontedGateway#start}
   */
  private FrontedGateway<ApacheFront> front(Mode mode, String gatewayToml, String directives,
      boolean site) throws Exception {
    String all = directives + (site ? site(mode, FrontedGateway.socket(temp)) : "");
    return FrontedGateway.start(temp, mode == Mode.PARAMS, gatewayToml, FIXTURE_ROOTS,
        () -> ApacheFront.start(temp.resolve("apache"), all));
  }

  /**
   * Mount mode: Apache passes every request on as it came. fcgiwrap mode: Apache maps the URL
   * to a file under its document root and names that file.
   */
  private static String site(Mode mode, Path socket) {
    if (mode == Mode.MOUNTS) {
      return """
          ProxyPass "/" "unix:%s|fcgi://localhost/" enablereuse=on
          """.formatted(socket);
    }
    return """
        DocumentRoot "%1$s"
        <Directory "%1$s">
          SetHandler "proxy:unix:%2$s|fcgi://localhost/"
        </Directory>
        """.formatted(SCRIPTS, socket);
  }
}
