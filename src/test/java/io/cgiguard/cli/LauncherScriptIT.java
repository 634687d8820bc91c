package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cgiguard}, the launcher operators and the systemd unit run, against the jar the build
 * just packaged. Run by failsafe after {@code package} (the jar does not exist when the unit tests
 * run on a fresh clone). Each test lays out an installation as docs/operations.md describes it,
 * {@code bin/}, {@code conf/} and {@code lib/cgiguard.jar} under a directory of mode 755, since a
 * gateway started as root reads its jar as nobody after the drop.
 */
class LauncherScriptIT {

  /** The project's root: test-scripts/ lives there. */
  private static final Path PROJECT = TestScripts.ROOT.getParent();
  private static final Path JAR = PROJECT.resolve("target/cgiguard.jar");

  @TempDir Path temp;
  private Path home;

  @BeforeEach
  void install() throws IOException {
    assertThat(JAR).as("failsafe runs after package, so the jar is there").isRegularFile();
    ServeChild.readableDirectory(temp);
    home = ServeChild.readableDirectory(temp.resolve("cgiguard"));
    readable(ServeChild.readableDirectory(home.resolve("bin")), PROJECT.resolve(
        "bin/cgiguard"), "rwxr-xr-x");
    readable(ServeChild.readableDirectory(home.resolve("conf")), PROJECT.resolve(
        "conf/jvm.options"), "rw-r--r--");
    readable(ServeChild.readableDirectory(home.resolve("lib")), JAR, "rw-r--r--");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theShippedJvmOptionsStartThisJava() throws Exception {
    Result version = run(List.of(home.resolve("bin/cgiguard").toString(), "--version"),
        Map.of());
    assertThat(version.status()).as(version.stderr()).isZero();
    assertThat(version.stdout()).startsWith("cgiguard ");
    // An option this Java does not know would have stopped the JVM with "Unrecognized VM option".
    assertThat(version.stderr()).doesNotContain("Unrecognized", "Error");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aSymlinkOnThePathFindsTheInstallation() throws Exception {
    Path elsewhere = ServeChild.readableDirectory(temp.resolve("usr-local-bin"));
    Path link = Files.createSymbolicLink(elsewhere.resolve("cgiguard"),
        home.resolve("bin/cgiguard"));
    Result version = run(List.of(link.toString(), "--version"), Map.of());
    assertThat(version.status()).as(version.stderr()).isZero();
    assertThat(version.stdout()).startsWith("cgiguard ");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void whatTheLauncherCannotFindIsOneLineAndAFailingStatus() throws Exception {
    Result noOptions = run(List.of(home.resolve("bin/cgiguard").toString(), "--version"),
        Map.of("CGIGUARD_JVM_OPTIONS", temp.resolve("missing.options").toString()));
    assertThat(noOptions.status()).isEqualTo(1);
    assertThat(noOptions.stderr().strip()).isEqualTo("cgiguard: cannot read the JVM options file "
        + temp.resolve("missing.options"));

    Result noJava = run(List.of(home.resolve("bin/cgiguard").toString(), "--version"),
        Map.of("JAVA_HOME", temp.resolve("no-java").toString()));
    assertThat(noJava.status()).isEqualTo(1);
    assertThat(noJava.stderr().strip())
        .isEqualTo("cgiguard: no java found; install Java 17 or later, or set JAVA_HOME");

    Files.delete(home.resolve("lib/cgiguard.jar"));
    Result noJar = run(List.of(home.resolve("bin/cgiguard").toString(), "--version"), Map.of());
    assertThat(noJar.status()).isEqualTo(1);
    assertThat(noJar.stderr()).startsWith("cgiguard: no jar in " + home + "/lib or ");
  }

  /**
   * A serve the machine refuses (its port taken) says so in one line on stderr, with the jar's own
   * logging: no line about the launcher or anything else comes before it.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aRefusedServeIsOneLineThroughTheLauncher() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      Result refused = run(List.of(home.resolve("bin/cgiguard").toString(), "serve", "--port",
          Integer.toString(taken.getLocalPort()), "--bind", "127.0.0.1"), Map.of());
      assertThat(refused.status()).isEqualTo(1);
      assertThat(refused.stderr().lines()).containsExactly("cgiguard: cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + ": the address is already in use");
    }
  }

  /**
   * The whole path an operator's gateway takes: the launcher exec's the JVM (so the pid systemd
   * watches is the gateway's, and SIGTERM reaches it), the gateway drops to nobody and serves,
   * nothing the launcher set reaches a script, and SIGTERM ends it with status 0.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void serveThroughTheLauncherAnswersKeepsItsEnvironmentFromScriptsAndStopsOnSigterm()
      throws Exception {
    Path cgiBin = ServeChild.readableDirectory(temp.resolve("site/cgi-bin"));
    readable(cgiBin, TestScripts.path("responses/env.pl"), "rwxr-xr-x");
    Path logs = ServeChild.readableDirectory(temp.resolve("logs"));
    List<String> command = List.of(home.resolve("bin/cgiguard").toString(), "serve", "--port",
        "0", "--bind", "127.0.0.1", "--docroot", temp.resolve("site").toString(), "--cgi-bin",
        cgiBin.toString());
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(logs.resolve("stdout.txt").toFile())
        .redirectError(logs.resolve("stderr.txt").toFile());
    builder.environment().put("CGIGUARD_JAVA_OPTS", "-Dcgiguard.launcher.test=yes");
    builder.environment().put("LAUNCHER_SECRET", "from-the-operator-shell");
    Process gateway = builder.start();
    try {
      URI base = ServeChild.awaitListening(gateway, logs.resolve("stdout.txt"),
          logs.resolve("stderr.txt"), Duration.ofSeconds(40));
      String cmdline = Files.readString(Path.of("/proc", Long.toString(gateway.pid()), "cmdline"))
          .replace('\0', ' ');
      assertThat(cmdline).as("the launcher's pid is the JVM's after exec")
          .contains("-XX:+UseSerialGC", "-Dcgiguard.launcher.test=yes", "-jar "
              + home.resolve("lib/cgiguard.jar"));
      assertThat(Files.readString(Path.of("/proc", Long.toString(gateway.pid()), "environ")))
          .contains("MALLOC_ARENA_MAX=2");

      HttpResponse<String> env = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(base.resolve("/cgi-bin/env.pl")).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(env.statusCode()).as(env.body()).isEqualTo(200);
      assertThat(env.body()).contains("GATEWAY_INTERFACE=CGI/1.1\n")
          .doesNotContain("MALLOC_ARENA_MAX", "CGIGUARD_", "LAUNCHER_SECRET", "JAVA_HOME");
      assertThat(Files.readString(logs.resolve("stderr.txt"))).contains("running as nobody");
      gateway.destroy(); // SIGTERM, to the JVM itself since the launcher exec'd it
      assertThat(gateway.waitFor(40, TimeUnit.SECONDS)).isTrue();
      assertThat(gateway.exitValue()).as(Files.readString(logs.resolve("stderr.txt"))).isZero();
    } finally {
      // Only a failed test gets here with something alive: a launcher that did not exec leaves
      // its JVM behind as a child.
      gateway.descendants().forEach(ProcessHandle::destroyForcibly);
      gateway.destroyForcibly();
    }
  }

  private record Result(int status, String stdout, String stderr) {}

  private Result run(List<String> command, Map<String, String> environment) throws Exception {
    Path out = temp.resolve("out.txt");
    Path err = temp.resolve("err.txt");
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(45, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(command + " did not end within 45 s");
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void readable(Path dir, Path source, String mode) throws IOException {
    Path target = dir.resolve(source.getFileName());
    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
  }
}
