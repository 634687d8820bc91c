package io.cgiguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code cgiguard check} names world-writable scripts and directories of a mount. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorldWritableCheckTest {

  @Test
  void checkWarnsAboutWorldWritableScriptsAndDirectories(@TempDir Path dir) throws Exception {
    Path open = Files.createDirectories(dir.resolve("cgi-bin/open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path script = Files.copy(TestScripts.path("responses/env.pl"),
        dir.resolve("cgi-bin/env.pl"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path inner = Files.copy(TestScripts.path("responses/env.pl"), open.resolve("inner.pl"));
    Files.setPosixFilePermissions(inner, PosixFilePermissions.fromString("rwxr-xr-x"));
    Process check = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.cgiguard.cli.Main", "check",
        "--cgi-bin", dir.resolve("cgi-bin").toString())).redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains(open + ": the directory is world-writable");
    assertThat(output).containsPattern("env\\.pl: .*writable");
    // The script is fine; its directory is not, and the fix names the directory.
    assertThat(output).contains(inner + ": " + open + " is writable by every user")
        .contains("- fix: chmod o-w " + open + " [")
        .doesNotContain("- fix: chmod o-w " + inner);
    assertThat(check.exitValue()).isNotZero();
  }
}
