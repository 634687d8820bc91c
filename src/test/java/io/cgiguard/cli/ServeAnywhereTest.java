package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgiguard.Polling;
import io.cgiguard.security.ServedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as an operator starts it: from an empty working directory, in an installation
 * without a configuration, with only what the flags and the configuration name being served.
 */
@Timeout(120)
class ServeAnywhereTest {

  private static final Path PROJECT = Path.of(System.getProperty("cgiguard.project.dir", "."))
      .toAbsolutePath().normalize();

  @TempDir Path temp;
  private Path installation;
  private Path workingDir;
  private Path cgiBin;

  @BeforeEach
  void layout() throws IOException {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    installation = readable(temp.resolve("opt-cgiguard"));
    workingDir = readable(temp.resolve("elsewhere"));
    cgiBin = readable(temp.resolve("srv-cgi-bin"));
    Path script = cgiBin.resolve("whoami.sh");
    Files.copy(PROJECT.resolve("test-scripts/production/whoami.sh"), script);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void cgiBinAloneServesItsScriptsAndNoStaticFiles() throws Exception {
    try (ServedProcess served = ServedProcess.start(
        List.of("-Dcgiguard.home=" + installation), List.of("--cgi-bin", cgiBin.toString()),
        workingDir, Map.of())) {
      assertThat(served.get("/cgi-bin/whoami.sh")).contains("user=")
          .contains("document_root=" + cgiBin.toRealPath());
      assertThat(served.get("/")).contains("cgiguard is running");
      assertThat(served.status("/index.html")).isEqualTo(404);
      assertThat(served.status("/cgi-bin/env.sh")).isEqualTo(404);
    }
  }

  @Test
  void configurationWithoutMountsRunsNoScript() throws Exception {
    // The installation here is the checkout, whose webapp/cgi-bin holds the demo scripts.
    Path config = workingDir.resolve("site.toml");
    Files.writeString(config, "[server]\nbind = \"127.0.0.1\"\n");
    try (ServedProcess served = ServedProcess.start(List.of(),
        List.of("--config", config.toString()), workingDir, Map.of())) {
      assertThat(served.status("/cgi-bin/env.sh")).isEqualTo(404);
      assertThat(served.status("/cgi-bin/flaky.pl")).isEqualTo(404);
      assertThat(served.status("/index.html")).isEqualTo(404);
      assertThat(served.get("/")).contains("cgiguard is running");
    }
  }

  @Test
  void runAsFlagNamesTheUserScriptsRunAs() throws Exception {
    assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
        "the user can only be chosen by a gateway started as root");
    try (ServedProcess served = ServedProcess.start(
        List.of("-Dcgiguard.home=" + installation),
        List.of("--cgi-bin", cgiBin.toString(), "--run-as", "daemon"), workingDir, Map.of())) {
      assertThat(served.get("/cgi-bin/whoami.sh")).contains("user=daemon");
    }
  }

  @Test
  void sigusr1ReopensTheAccessLogFile() throws Exception {
    Path logs = readable(temp.resolve("logs"));
    Path log = logs.resolve("access.log");
    Path config = workingDir.resolve("site.toml");
    Files.writeString(config, """
        [server]
        access-log = "%s"
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(log, cgiBin));
    try (ServedProcess served = ServedProcess.start(
        List.of("-Dcgiguard.home=" + installation), List.of("--config", config.toString()),
        workingDir, Map.of())) {
      served.get("/cgi-bin/whoami.sh?before");
      awaitLine(log, "?before");
      // What logrotate does with "create": move the file, make a new one for the server's user.
      Files.move(log, logs.resolve("access.log.1"));
      Files.createFile(log);
      UserPrincipal owner = Files.getOwner(Path.of("/proc", Long.toString(served.process.pid())));
      Files.setOwner(log, owner);
      Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(served.process.pid()))
          .start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).isZero();
      // Lines before the reopen still go to the old file; poll until one lands in the new one.
      assertThat(Polling.eventually(Duration.ofSeconds(20), () -> {
        try {
          served.get("/cgi-bin/whoami.sh?after");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return contains(log, "?after");
      })).as("a line in the reopened file").isTrue();
      assertThat(served.process.isAlive()).as("SIGUSR1 does not stop the gateway").isTrue();
      assertThat(Files.readString(logs.resolve("access.log.1"))).contains("?before");
    }
  }

  @Test
  void tellsSystemdWhenItIsReady() throws Exception {
    Path socket = readable(temp.resolve("run")).resolve("notify");
    Process receiver = new ProcessBuilder("python3",
        PROJECT.resolve("test-scripts/production/notify-receiver.py").toString(),
        socket.toString()).redirectErrorStream(true).start();
    try {
      java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
          receiver.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo("bound");
      try (ServedProcess served = ServedProcess.start(
          List.of("-Dcgiguard.home=" + installation), List.of("--cgi-bin", cgiBin.toString()),
          workingDir, Map.of("NOTIFY_SOCKET", socket.toString()))) {
        assertThat(lines.readLine()).isEqualTo("READY=1");
        assertThat(lines.readLine()).isEqualTo("STATUS=listening on " + served.uri);
        assertThat(receiver.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(receiver.exitValue()).isZero();
      }
    } finally {
      receiver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitLine(Path log, String text) throws InterruptedException {
    assertThat(Polling.eventually(Duration.ofSeconds(20), () -> contains(log, text)))
        .as("%s in %s", text, log).isTrue();
  }

  private static boolean contains(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path readable(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }
}
