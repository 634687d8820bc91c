package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgiguard.Polling;
import io.cgiguard.http.JettyPageScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgiguard serve} started as root, in a child JVM: with {@code run-as = "nobody"} the
 * server and the scripts it runs have nobody's uid and gid (read from {@code /proc/<pid>/status}),
 * {@code run-as = "root"} keeps root with a warning, and an unknown user stops the start.
 *
 * <p>Everything the child reads after the drop (its class path, the configuration, the scripts)
 * is copied into a world-readable temporary directory, as an operator would have to arrange.
 */
class ServeAsRootTest {

  private static final Path FIXTURE = Path.of(System.getProperty("cgiguard.project.dir", "."))
      .toAbsolutePath().normalize().resolve("test-scripts/processes/print-identity.sh");

  @TempDir Path temp;
  private Path root;
  private ServeChild child;

  @BeforeEach
  void requireRoot() throws Exception {
    assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
        "the privilege drop can only be shown by a test that runs as root");
    root = Files.createDirectory(temp.resolve("gateway"));
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cgiBin = readableDirectory(root.resolve("cgi-bin"));
    Files.copy(FIXTURE, cgiBin.resolve("ids.sh"));
    Files.setPosixFilePermissions(cgiBin.resolve("ids.sh"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.copy(FIXTURE.resolveSibling("print-oom-score.sh"), cgiBin.resolve("score.sh"));
    Files.setPosixFilePermissions(cgiBin.resolve("score.sh"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    readableDirectory(root.resolve("docroot"));
  }

  @AfterEach
  void stopChild() throws Exception {
    if (child != null) {
      child.close();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void serverAndScriptsRunAsNobodyAfterStartingAsRoot() throws Exception {
    URI base = startServe("nobody");
    String nobody = Files.readAllLines(Path.of("/etc/passwd")).stream()
        .filter(line -> line.startsWith("nobody:")).findFirst().orElseThrow();
    String uid = nobody.split(":")[2];
    String gid = nobody.split(":")[3];

    String server = Files.readString(Path.of("/proc/" + child.pid() + "/status"));
    assertThat(server).contains("\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n")
        .contains("\nGid:\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid + "\n");
    assertThat(groups(server)).doesNotContain("0");

    HttpResponse<String> script = get(base.resolve("cgi-bin/ids.sh"));
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("id-u: " + uid + "\n")
        .contains("Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n")
        .contains("Gid:\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid + "\n");
    assertThat(groups(script.body())).doesNotContain("0");
    // Once it has dropped root the gateway is not dumpable, so /proc/self/oom_score_adj of the
    // child it starts (which shares its memory until exec) is root's: the reap loop raises the
    // score once the script runs, and the OOM killer still takes a script before the gateway.
    HttpResponse<String> score = get(base.resolve("cgi-bin/score.sh"));
    assertThat(score.body()).isEqualTo("oom_score_adj: 1000\n");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void fastCgiSocketIsGivenToItsOwnerBeforeTheDropAndItsScriptsRunAsNobody() throws Exception {
    Path socket = root.resolve("fcgi.sock");
    startServe("nobody", """
        [fastcgi]
        listen = "unix:%s"
        socket-owner = "nobody"
        socket-mode = "0600"
        """.formatted(socket));
    String uid = Files.readAllLines(Path.of("/etc/passwd")).stream()
        .filter(line -> line.startsWith("nobody:")).findFirst().orElseThrow().split(":")[2];

    assertThat(Files.getOwner(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName())
        .isEqualTo("nobody");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket,
        java.nio.file.LinkOption.NOFOLLOW_LINKS))).isEqualTo("rw-------");
    try (io.cgiguard.http.FastCgiWire wire = io.cgiguard.http.FastCgiWire.connect(socket)) {
      wire.send(io.cgiguard.http.FastCgiWire.get(1, false, "/cgi-bin/ids.sh"));
      assertThat(wire.answer(1).stdout()).startsWith("Status: 200")
          .contains("id-u: " + uid + "\n");
    }
  }

  /**
   * The socket lies in a directory only root may write, so the gateway, nobody by the time it
   * stops, cannot remove it: SIGTERM still closes the listening socket once drain-delay is over
   * (a new connect is refused while the running request finishes), the stop logs one line about
   * the file and no failure, and the next start replaces the file.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aStopAsNobodyClosesTheFastCgiSocketItMayNotRemoveAndTheNextStartReplacesIt()
      throws Exception {
    Path socket = root.resolve("fcgi.sock");
    Path cgiBin = root.resolve("cgi-bin");
    Files.copy(FIXTURE.resolveSibling("../responses/wait-for-release.sh").normalize(),
        cgiBin.resolve("wait.sh"));
    Files.setPosixFilePermissions(cgiBin.resolve("wait.sh"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    Path gate = readableDirectory(root.resolve("gate"));
    String toml = """
        [server]
        bind = "127.0.0.1"
        port = 0
        docroot = "%s"
        run-as = "nobody"
        drain-delay = "500ms"
        drain-timeout = "30s"
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        [fastcgi]
        listen = "unix:%s"
        socket-owner = "nobody"
        socket-mode = "0600"
        """.formatted(root.resolve("docroot"), cgiBin, socket);
    child = ServeChild.start(root, toml);
    child.awaitListening(Duration.ofSeconds(60));

    try (io.cgiguard.http.FastCgiWire held = io.cgiguard.http.FastCgiWire.connect(socket)) {
      held.send(io.cgiguard.http.FastCgiWire.get(1, false, "/cgi-bin/wait.sh?" + gate));
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(30),
          () -> !io.cgiguard.http.ProcessTable.childrenOf(child.pid()).isEmpty()))
          .as("wait.sh running").isTrue();
      Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).isTrue();

      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(10), () -> refused(socket)))
          .as("a new connect is refused once drain-delay is over").isTrue();
      assertThat(child.process().isAlive()).as("the held request keeps the gateway up").isTrue();
      Files.createFile(gate.resolve("release"));
      assertThat(held.answer(1).stdout()).startsWith("Status: 200").endsWith("released\n");
    }
    assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).as(child.stderr()).isTrue();
    assertThat(child.process().exitValue()).as(child.stderr()).isZero();
    String log = child.stderr() + child.stdout();
    assertThat(log).doesNotContain("WARN").doesNotContain("ERROR").doesNotContain("Exception");
    assertThat(log.lines().filter(line -> line.contains("stays behind")).toList()).as(log)
        .singleElement().asString().contains("unix:" + socket)
        .contains("the next start replaces it");
    assertThat(Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();

    child = ServeChild.start(root, toml);
    child.awaitListening(Duration.ofSeconds(60));
    // The release file is still there: this request is answered at once.
    try (io.cgiguard.http.FastCgiWire again = io.cgiguard.http.FastCgiWire.connect(socket)) {
      again.send(io.cgiguard.http.FastCgiWire.get(1, false, "/cgi-bin/wait.sh?" + gate));
      assertThat(again.answer(1).stdout()).endsWith("released\n");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void runAsRootKeepsRootAndWarnsAtStartUp() throws Exception {
    URI base = startServe("root");
    HttpResponse<String> script = get(base.resolve("cgi-bin/ids.sh"));
    assertThat(script.body()).contains("id-u: 0\n").contains("Uid:\t0\t0\t0\t0\n");
    assertThat(Files.readString(root.resolve("stderr.txt")))
        .containsPattern("WARN .*run-as = \"root\"");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void unknownRunAsUserIsOneLineErrorAndNonZeroExit() throws Exception {
    child = serve("cgiguard-no-such-user");
    assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).as("serve ended").isTrue();
    assertThat(child.process().exitValue()).isNotZero();
    List<String> errors = Files.readAllLines(root.resolve("stderr.txt")).stream()
        .filter(line -> line.startsWith("cgiguard: ")).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("cgiguard-no-such-user").contains("does not exist");
    assertThat(Files.readString(root.resolve("stdout.txt"))).doesNotContain("listening");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void docrootTheRunAsUserCannotReadStopsServeWithOneLine() throws Exception {
    Files.setPosixFilePermissions(root.resolve("docroot"), PosixFilePermissions.fromString(
        "rwx------"));
    child = serve("nobody");
    assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).as("serve ended").isTrue();
    assertThat(child.process().exitValue()).isNotZero();
    List<String> errors = Files.readAllLines(root.resolve("stderr.txt")).stream()
        .filter(line -> line.startsWith("cgiguard: ")).toList();
    assertThat(errors).singleElement().asString().contains("\"nobody\" cannot read")
        .contains(root.resolve("docroot").toString());
  }

  /**
   * A file (or index file) the gateway's user may not read is refused with the short page, as a
   * file the client may not have, and leaves no stack trace in the log: anyone could repeat it.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aFileTheRunAsUserCannotReadIsRefusedWithoutAStackTrace() throws Exception {
    Path docroot = root.resolve("docroot");
    Files.writeString(docroot.resolve("secret.txt"), "root's secret\n");
    Files.setPosixFilePermissions(docroot.resolve("secret.txt"),
        PosixFilePermissions.fromString("rw-------"));
    Path locked = readableDirectory(docroot.resolve("locked"));
    Files.writeString(locked.resolve("index.html"), "root's index\n");
    Files.setPosixFilePermissions(locked.resolve("index.html"),
        PosixFilePermissions.fromString("rw-------"));
    URI base = startServe("nobody");

    for (String path : List.of("secret.txt", "locked/", "secret.txt")) {
      HttpResponse<String> response = get(base.resolve(path));

      assertThat(response.statusCode()).as(path).isEqualTo(403);
      assertThat(response.headers().firstValue("X-Request-Id")).as(path).isPresent();
      assertThat(response.body()).as(path).contains("cannot read").doesNotContain("root's");
    }
    String log = child.stderr() + child.stdout();
    assertThat(log).doesNotContain("WARN").doesNotContain("ERROR").doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  private URI startServe(String runAs) throws Exception {
    return startServe(runAs, "");
  }

  private URI startServe(String runAs, String extraToml) throws Exception {
    child = serve(runAs, extraToml);
    return child.awaitListening(Duration.ofSeconds(60));
  }

  /**
   * A reload (SIGHUP) runs as the run-as user. It does not open [tls]'s certificate and key,
   * which only a restart can change, so a root-only key (the usual mode) no longer refuses every
   * reload; a root-only configuration file is refused with what to do, since that user cannot
   * read it.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aReloadAsNobodyLeavesTheRootOnlyKeyAloneAndSaysWhyItCannotReadARootOnlyFile()
      throws Exception {
    Path keys = Files.createDirectory(root.resolve("tls"));
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048",
        "-nodes", "-days", "2", "-subj", "/CN=localhost",
        "-keyout", keys.resolve("key.pem").toString(), "-out", keys.resolve("chain.pem").toString())
        .redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).isZero();
    Files.setPosixFilePermissions(keys.resolve("key.pem"), PosixFilePermissions.fromString("rw-------"));
    child = serve("nobody", """
        [tls]
        port = 0
        certificate = "%s"
        private-key = "%s"
        """.formatted(keys.resolve("chain.pem"), keys.resolve("key.pem")));
    child.awaitListening(Duration.ofSeconds(60));

    signal("HUP");
    assertThat(Polling.eventually(Duration.ofSeconds(20),
        () -> stderrOf().contains("reload: " + root.resolve("cgiguard.toml") + " applied")))
        .as(stderrOf()).isTrue();
    assertThat(stderrOf()).doesNotContain("reload refused");

    Files.setPosixFilePermissions(root.resolve("cgiguard.toml"),
        PosixFilePermissions.fromString("rw-------"));
    signal("HUP");
    assertThat(Polling.eventually(Duration.ofSeconds(20),
        () -> stderrOf().contains("reload refused")))
        .as(stderrOf()).isTrue();
    assertThat(stderrOf()).contains("permission denied to uid")
        .contains("keep it root-only and restart to apply a change");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(child.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  /** The child's log: its stderr and, where the access log is not, its stdout. */
  private String stderrOf() {
    try {
      return child.stderr() + child.stdout();
    } catch (IOException e) {
      return "";
    }
  }

  private ServeChild serve(String runAs) throws IOException {
    return serve(runAs, "");
  }

  /** As {@link #serve(String)}, with {@code extraToml} at the end of the configuration. */
  private ServeChild serve(String runAs, String extraToml) throws IOException {
    return ServeChild.start(root, """
        [server]
        bind = "127.0.0.1"
        port = 0
        docroot = "%s"
        run-as = "%s"
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(root.resolve("docroot"), runAs, root.resolve("cgi-bin")) + extraToml);
  }

  private static Path readableDirectory(Path dir) throws IOException {
    return ServeChild.readableDirectory(dir);
  }

  /** @return the supplementary group ids of a {@code /proc/<pid>/status} text */
  private static List<String> groups(String status) {
    List<String> ids = new ArrayList<>();
    Optional<String> line = status.lines().filter(l -> l.startsWith("Groups:")).findFirst();
    line.ifPresent(l -> {
      for (String id : l.substring("Groups:".length()).trim().split("\\s+")) {
        if (!id.isEmpty()) {
          ids.add(id);
        }
      }
    });
    assertThat(line).as("Groups line").isPresent();
    return ids;
  }

  /** @return whether a connect to {@code socket} fails at once, as with nothing listening */
  private static boolean refused(Path socket) {
    try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open(
        java.net.StandardProtocolFamily.UNIX)) {
      probe.connect(java.net.UnixDomainSocketAddress.of(socket));
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      return JettyPageScan.send(client,
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
