package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real nginx speaks FastCGI to the gateway over its Unix socket, configured as nginx users
 * configure it for fcgiwrap, and the applications the HTTP tests run go through it: a CGI.pm form
 * with a multipart upload, git-http-backend (clone, fetch and a chunked push that nginx streams
 * with {@code fastcgi_request_buffering off}), a script dying before its headers, a hung script,
 * and a client that goes away. Each runs in both ways of choosing the script: by URL against the
 * mounts, and by SCRIPT_FILENAME under the allowed roots. Behaviours of nginx's own that do not
 * depend on how the script is chosen run by URL only: uploads to a script that answers before it
 * reads, and a script killed in the middle of its body.
 */
class FastCgiBehindNginxTest {

  /** How the front server's configuration names the script. */
  enum Mode { MOUNTS, PARAMS }

  private static final Path SCRIPTS = io.cgiguard.TestScripts.ROOT;

  /** docs/fastcgi.md's location for kept connections, to an upstream named cgiguard. */
  private static final String KEPT_LOCATION = """
      location / {
        include %s;
        fastcgi_keep_conn on;
        fastcgi_pass cgiguard;
      }
      """.formatted(NginxFront.FASTCGI_PARAMS);

  @TempDir
  Path temp;

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void cgiPmFormReadsTheFieldAndTheUploadedFile(Mode mode) throws Exception {
    RequiredPrograms.requireCommand("perl with CGI.pm (libcgi-pm-perl)", "perl", "-MCGI", "-e", "1");
    byte[] file = new byte[3 * 1024 * 1024 + 17];
    new Random(11).nextBytes(file);
    try (var front = Front.start(temp, mode, "", "")) {
      HttpResponse<String> response = JettyPageScan.send(client, HttpRequest.newBuilder(
          front.server().uri("/responses/form-upload.pl"))
          .header("Content-Type", MultipartForms.CONTENT_TYPE)
          .POST(HttpRequest.BodyPublishers.ofByteArray(
              MultipartForms.titleAndDocument("Through nginx", "upload.bin", file))).build(),
          HttpResponse.BodyHandlers.ofString());

      String digest = io.cgiguard.Digests.sha256(file);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("title=Through nginx\nfile=upload.bin\nsize="
          + file.length + "\nsha256=" + digest + "\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void gitClonesFetchesAndPushesChunked(Mode mode) throws Exception {
    RequiredPrograms.requireExecutable(GitClient.BACKEND);
    RequiredPrograms.requireCommand("git", "git", "--version");
    GitClient git = new GitClient(temp);
    Path repos = Files.createDirectories(temp.resolve("repos"));
    Path bare = repos.resolve("project.git");
    Path seed = git.seededRepository(bare, "hello through nginx\n");
    try (var front = Front.start(temp, mode, gitGateway(mode, repos), gitLocation(mode, repos))) {
      String url = front.server().uri("/git/backend/project.git").toString();
      Path clone = temp.resolve("clone");
      git.git(temp, "clone", url, clone.toString());
      assertThat(clone.resolve("README")).hasContent("hello through nginx");

      Files.writeString(seed.resolve("NEWS"), "second commit\n");
      git.git(seed, "add", "NEWS");
      git.git(seed, "commit", "-m", "second");
      git.git(seed, "push", bare.toString(), "main");
      git.git(clone, "fetch", "origin");
      assertThat(git.git(clone, "rev-parse", "origin/main"))
          .isEqualTo(git.git(seed, "rev-parse", "HEAD"));

      byte[] payload = new byte[5 * 1024 * 1024];
      new Random(5).nextBytes(payload);
      git.git(clone, "merge", "--ff-only", "origin/main");
      Files.write(clone.resolve("payload.bin"), payload);
      git.git(clone, "add", "payload.bin");
      git.git(clone, "commit", "-m", "large push");
      Path trace = temp.resolve("push-trace.txt");
      git.traced(trace, clone, "push", "origin", "HEAD:main");
      assertThat(Files.readString(trace, StandardCharsets.ISO_8859_1))
          .containsIgnoringCase("Send header: Transfer-Encoding: chunked");
      assertThat(git.git(bare, "rev-parse", "main")).isEqualTo(git.git(clone, "rev-parse", "HEAD"));
      assertThat(git.git(bare, "cat-file", "-s", "main:payload.bin"))
          .isEqualTo(Integer.toString(payload.length));
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void scriptDyingBeforeItsHeadersShowsTheGatewaysDiagnosisThroughNginx(Mode mode)
      throws Exception {
    try (var front = Front.start(temp, mode, "", "")) {
      HttpResponse<String> html = front.get(client, "/before-headers/exit-before-any-output.cgi", "text/html");
      HttpResponse<String> json = front.get(client, "/before-headers/exit-before-any-output.cgi", "application/json");

      FrontChecks.assertDiagnosisOfExitBeforeHeaders(html, json);
    }
  }

  /**
   * docs/fastcgi.md's kept connections (an upstream with {@code keepalive}, and
   * {@code fastcgi_keep_conn on}): requests with a body, without one, and with one the script
   * does not read take turns on the connections nginx keeps; every one is answered, and the
   * connections stay open afterwards.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void keptConnectionsCarryPostsAndGetsInTurn() throws Exception {
    Path socket = Front.socket(temp);
    String upstream = """
        upstream cgiguard {
          server unix:%s;
          keepalive 8;
        }
        """.formatted(socket);
    String location = KEPT_LOCATION;
    byte[] body = new byte[256 * 1024 + 3];
    new Random(13).nextBytes(body);
    String digest = io.cgiguard.Digests.sha256(body);
    try (var front = FrontedGateway.start(temp, false, "", List.of(),
        () -> NginxFront.start(temp.resolve("nginx"), upstream, location))) {
      for (int round = 1; round <= 20; round++) {
        HttpResponse<String> posted = JettyPageScan.send(client, HttpRequest.newBuilder(
            front.server().uri("/responses/count.pl")).timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> got = front.get(client, "/responses/hello.sh", "text/plain");
        // A script that answers without reading its body: the rest of the body is skipped.
        HttpResponse<String> unread = JettyPageScan.send(client, HttpRequest.newBuilder(
            front.server().uri("/responses/hello.sh")).timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(unread.statusCode()).as("round %d: %s", round, front.explain(unread))
            .isEqualTo(200);
        assertThat(unread.body()).isEqualTo("hello\n");
        assertThat(posted.statusCode()).as("round %d: %s", round, front.explain(posted))
            .isEqualTo(200);
        assertThat(posted.body()).startsWith(body.length + " " + digest + "\n");
        assertThat(got.statusCode()).as("round %d: %s", round, front.explain(got))
            .isEqualTo(200);
        assertThat(got.body()).isEqualTo("hello\n");
      }
      // nginx keeps no connection on which it could not send a whole body before the answer
      // came (the unread POST), so the last request is one without a body: its connection
      // stays open in nginx's cache.
      assertThat(front.get(client, "/responses/hello.sh", "text/plain").statusCode())
          .isEqualTo(200);
      assertThat(front.gateway().server().fastCgi().orElseThrow().openConnections())
          .as("connections nginx keeps open between requests").isPositive();
    }
  }

  /**
   * Two gateways behind one nginx upstream with kept connections. While one drains, nginx meets
   * its kept connections closed after their answers and then its socket refusing, and moves to
   * the other: every request through nginx is answered 200, and the drain loses none.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aGatewayDrainingBehindAnUpstreamOfKeptConnectionsLosesNoRequest() throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path socketA = temp.resolve("a.sock");
    Path socketB = temp.resolve("b.sock");
    String fastcgi = """
        [fastcgi]
        listen = "unix:%s"
        socket-owner = "nobody"
        socket-mode = "0600"
        """;
    String upstream = """
        upstream cgiguard {
          server unix:%s;
          server unix:%s;
          keepalive 8;
        }
        """.formatted(socketA, socketB);
    String location = KEPT_LOCATION;
    try (TestGateway a = TestGateway.start("drain-delay = \"300ms\"\ndrain-timeout = \"20s\"\n",
            fastcgi.formatted(socketA));
        TestGateway b = TestGateway.start(fastcgi.formatted(socketB));
        NginxFront nginx = NginxFront.start(temp.resolve("nginx"), upstream, location)) {
      for (int i = 0; i < 10; i++) {
        assertThat(hello(nginx).statusCode()).isEqualTo(200);
      }
      assertThat(a.server().fastCgi().orElseThrow().openConnections())
          .as("nginx keeps a connection to the gateway that will drain").isPositive();

      java.util.concurrent.CompletableFuture<Void> drained =
          java.util.concurrent.CompletableFuture.runAsync(a.server()::drain);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      int answered = 0;
      while (System.nanoTime() - until < 0 || !drained.isDone()) {
        HttpResponse<String> response = hello(nginx);
        assertThat(response.statusCode()).as("request %d while draining: %s\n%s", answered,
            response.body(), nginx.errorLog()).isEqualTo(200);
        answered++;
      }
      drained.get(30, TimeUnit.SECONDS);
      assertThat(answered).isGreaterThan(10);
      assertThat(b.server().metrics().totals().requests()).as("b took the load").isPositive();
    }
  }

  private HttpResponse<String> hello(NginxFront nginx) throws Exception {
    return JettyPageScan.send(client, HttpRequest.newBuilder(nginx.uri("/responses/hello.sh"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void interceptedErrorsShowNginxsOwnPageWithTheGatewaysStatus() throws Exception {
    Path pages = Files.createDirectories(temp.resolve("pages"));
    Files.writeString(pages.resolve("502.html"), "nginx's own 502 page\n");
    Files.setPosixFilePermissions(pages, PosixFilePermissions.fromString("rwxr-xr-x"));
    String intercepting = """
        location /before-headers/ {
          include %s;
          fastcgi_intercept_errors on;
          error_page 502 /502.html;
          fastcgi_pass unix:%s;
        }
        location = /502.html {
          root %s;
        }
        """.formatted(NginxFront.FASTCGI_PARAMS, Front.socket(temp), pages);
    try (var front = Front.start(temp, Mode.MOUNTS, "", intercepting)) {
      HttpResponse<String> response = front.get(client, "/before-headers/exit-before-any-output.cgi", "text/html");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body()).isEqualTo("nginx's own 502 page\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void hungScriptIsAnswered504AndItsGroupIsGone(Mode mode) throws Exception {
    Path pids = FrontChecks.pidDirectory(temp);
    try (var front = Front.start(temp, mode, "[timeouts]\nheader = \"1s\"\n", "")) {
      FrontChecks.assertHungScriptAnswered504(
          front.get(client, "/before-headers/hang-before-headers.sh?" + pids, "text/plain"), pids);
    }
  }


  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // closes the socket inside the block: that is the client going away
  void clientGoingAwayKillsTheScriptLongBeforeItsTimeout(Mode mode) throws Exception {
    Path pids = FrontChecks.pidDirectory(temp);
    try (var front = Front.start(temp, mode, "[timeouts]\nheader = \"60s\"\n", "");
        Socket socket = new Socket("127.0.0.1", front.server().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /before-headers/hang-before-headers.sh?" + pids + " HTTP/1.1\r\nHost: localhost\r\n"
          + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(5));
      assertThat(ProcessTable.gone(pid)).as("the script runs while the client waits").isFalse();
      socket.close();

      Duration took = ProcessTable.await(Duration.ofSeconds(10), () -> ProcessTable.gone(pid),
          "hung script " + pid + " gone after the client left");
      assertThat(took).isLessThan(Duration.ofSeconds(10));
    }
  }

  /**
   * A script that sends its headers and a first line before it reads its body. nginx stops
   * sending a request body once it has passed the response's head on to the client, so the
   * gateway holds the answer until the whole body has come: the script reads every byte, whether
   * nginx buffered the body first or streams it, and the answer comes at once, not at nginx's
   * {@code fastcgi_read_timeout}.
   */
  @ParameterizedTest
  @CsvSource({"1048576, on", "1048576, off", "5242880, on", "5242880, off"})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void uploadToAScriptAnsweringBeforeItReadsReachesItWhole(int size, String buffering)
      throws Exception {
    byte[] body = new byte[size];
    new Random(size).nextBytes(body);
    String location = """
        location /responses/ {
          include %s;
          fastcgi_request_buffering %s;
          fastcgi_pass unix:%s;
        }
        """.formatted(NginxFront.FASTCGI_PARAMS, buffering, Front.socket(temp));
    try (var front = Front.start(temp, Mode.MOUNTS, "", location)) {
      HttpResponse<String> response = JettyPageScan.send(client, HttpRequest.newBuilder(
          front.server().uri("/responses/start-then-count.sh")).timeout(Duration.ofSeconds(20))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(front.explain(response)).isEqualTo(200);
      assertThat(response.body()).isEqualTo("start\nread " + size + "\n");
    }
  }

  /**
   * A script killed by a signal after its headers and a first line: the gateway sends no
   * END_REQUEST, and nginx must not end the client's chunked response as if it were whole, which
   * it does after an orderly end of the FastCGI connection (without {@code fastcgi_keep_conn}).
   * Buffering the answer, nginx has not flushed the short head yet and closes the client's
   * connection with nothing sent; streaming it, the client has the head and the first line, and
   * then the connection closes without the last chunk.
   */
  @ParameterizedTest
  @ValueSource(strings = {"on", "off"})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void scriptKilledMidBodyLeavesTheClientsResponseIncomplete(String buffering) throws Exception {
    String location = """
        location /after-headers/ {
          include %s;
          fastcgi_buffering %s;
          fastcgi_pass unix:%s;
        }
        """.formatted(NginxFront.FASTCGI_PARAMS, buffering, Front.socket(temp));
    try (var front = Front.start(temp, Mode.MOUNTS, "", location);
        Socket socket = new Socket("127.0.0.1", front.server().port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET /after-headers/killed-mid-body.sh HTTP/1.1\r\n"
          + "Host: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String received = new String(socket.getInputStream().readAllBytes(),
          StandardCharsets.ISO_8859_1);

      String log = front.server().errorLog();
      assertThat(received).as("the last chunk, which says the body is whole\n%s", log)
          .doesNotEndWith("0\r\n\r\n");
      if (buffering.equals("off")) {
        assertThat(received).as(log).startsWith("HTTP/1.1 200")
            .containsIgnoringCase("Transfer-Encoding: chunked").contains("part1\n");
      } else if (!received.isEmpty()) {
        assertThat(received).as(log).startsWith("HTTP/1.1 200");
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void scriptFilenameOutsideTheAllowedRootsNeverRuns() throws Exception {
    FrontChecks.Escapes escapes = FrontChecks.Escapes.in(temp);
    Path inside = escapes.inside();
    String locations = """
        location / {
          root %1$s;
          include %2$s;
          fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
          fastcgi_pass unix:%3$s;
        }
        location = /direct {
          include %2$s;
          fastcgi_param SCRIPT_FILENAME %4$s;
          fastcgi_pass unix:%3$s;
        }
        location = /dotdot {
          include %2$s;
          fastcgi_param SCRIPT_FILENAME %1$s/../outside/marker.sh;
          fastcgi_pass unix:%3$s;
        }
        """.formatted(inside, NginxFront.FASTCGI_PARAMS, Front.socket(temp), escapes.marker());
    String roots = "allowed-roots = [\"" + inside + "\"]\n";
    try (var front = Front.start(temp, Mode.PARAMS, roots, locations, false)) {
      HttpResponse<String> viaLink = front.get(client, "/escape.sh", "text/plain");
      HttpResponse<String> direct = front.get(client, "/direct", "text/plain");
      HttpResponse<String> dotdot = front.get(client, "/dotdot", "text/plain");
      HttpResponse<String> allowed = front.get(client, "/allowed.sh", "text/plain");

      escapes.assertOnlyTheAllowedRan(viaLink, direct, dotdot, allowed);
    }
  }


  /** The gateway's side of the git test: a mount for the backend's wrapper in mount mode. */
  private String gitGateway(Mode mode, Path repos) throws Exception {
    if (mode == Mode.PARAMS) {
      return "";
    }
    return GitClient.gatewayMount(temp, repos);
  }

  /** nginx's side in fcgiwrap mode: the configuration git's documentation gives for fcgiwrap. */
  private String gitLocation(Mode mode, Path repos) {
    if (mode == Mode.MOUNTS) {
      return "";
    }
    return """
        location ~ ^/git/backend(/.*)$ {
          include %s;
          fastcgi_param SCRIPT_FILENAME %s;
          fastcgi_param GIT_PROJECT_ROOT %s;
          fastcgi_param GIT_HTTP_EXPORT_ALL "";
          fastcgi_param PATH_INFO $1;
          fastcgi_request_buffering off;
          fastcgi_pass unix:%s;
        }
        """.formatted(NginxFront.FASTCGI_PARAMS, GitClient.BACKEND, repos, Front.socket(temp));
  }

  /** The gateway and nginx, which tries {@code locations} before this mode's catch-all one. */
  private static final class Front {

    private Front() {}

    static Path socket(Path temp) {
      return FrontedGateway.socket(temp);
    }

    static FrontedGateway<NginxFront> start(Path temp, Mode mode, String gatewayToml,
        String locations) throws Exception {
      return start(temp, mode, gatewayToml, locations, true);
    }

    /**
     * @param gatewayToml as {@link FrontedGateway#start}
     * @param locations nginx locations tried before the default one
     * @param defaultLocation whether the catch-all location for this mode is added
     */
    static FrontedGateway<NginxFront> start(Path temp, Mode mode, String gatewayToml,
        String locations, boolean defaultLocation) throws Exception {
      String all = locations + (defaultLocation ? defaultLocation(mode, socket(temp)) : "");
      return FrontedGateway.start(temp, mode == Mode.PARAMS, gatewayToml,
          List.of(io.cgiguard.TestScripts.path("responses"),
              io.cgiguard.TestScripts.path("before-headers"), Path.of("/usr/lib/git-core")),
          () -> NginxFront.start(temp.resolve("nginx"), all));
    }

    /** Everything else goes to the gateway, as a whole site or as scripts under a root. */
    private static String defaultLocation(Mode mode, Path socket) {
      String naming = mode == Mode.PARAMS ? """
            root %s;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
          """.formatted(SCRIPTS) : "";
      return """
          location / {
            include %s;
          %s  fastcgi_request_buffering off;
            fastcgi_pass unix:%s;
          }
          """.formatted(NginxFront.FASTCGI_PARAMS, naming, socket);
    }
  }
}
