package io.cgiguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} started as root binds its port and then runs as {@code run-as} (nobody), and so
 * does every script it starts. The child JVM reads only world-readable copies after the drop.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PrivilegeDropTest {

  private static final Pattern UID = Pattern.compile("(?m)^Uid:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");
  private static final Pattern GID = Pattern.compile("(?m)^Gid:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");

  static Path readableCopy(Path dir) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cgi = Files.createDirectories(dir.resolve("cgi-bin"));
    Path docroot = Files.createDirectories(dir.resolve("docroot"));
    for (Path d : List.of(cgi, docroot)) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path script = Files.copy(SecurityGateway.FIXTURES.resolve("whoami.sh"),
        cgi.resolve("whoami.sh"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = dir.resolve("cgiguard.toml");
    Files.writeString(config, """
        [server]
        docroot = "%s"
        run-as = "nobody"
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(docroot, cgi));
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    return config;
  }

  static String idField(Pattern pattern, String status) {
    Matcher matcher = pattern.matcher(status);
    assertThat(matcher.find()).as("field in /proc status").isTrue();
    // Real, effective and saved ids must all have changed, or root could be regained.
    assertThat(matcher.group(1)).isEqualTo(matcher.group(2)).isEqualTo(matcher.group(3));
    return matcher.group(1);
  }

  @Test
  void serveStartedAsRootRunsItselfAndItsScriptsAsNobody(@TempDir Path dir) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs to start as root");
    Path config = readableCopy(dir);
    try (ServedProcess served = ServedProcess.start(config, Map.of())) {
      String status = Files.readString(Path.of("/proc", Long.toString(served.process.pid()),
          "status"));
      assertThat(idField(UID, status)).isEqualTo("65534");
      assertThat(idField(GID, status)).isEqualTo("65534");
      String script = served.get("/cgi-bin/whoami.sh");
      assertThat(script).contains("UID=65534").contains("GID=65534");
    }
  }

  @Test
  void missingRunAsUserIsAOneLineErrorAndNonZeroExit(@TempDir Path dir) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs to start as root");
    Path config = readableCopy(dir);
    Files.writeString(config, Files.readString(config)
        .replace("run-as = \"nobody\"", "run-as = \"no-such-user-cgiguard\""));
    Process process = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.cgiguard.cli.Main", "serve",
        "--config", config.toString(), "--port", "0")).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isNotZero();
      assertThat(output).contains("no-such-user-cgiguard").doesNotContain("listening on");
    } finally {
      process.destroyForcibly();
    }
  }
}
