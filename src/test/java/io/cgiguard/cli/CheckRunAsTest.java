package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgiguard check} run as root says what {@code serve}, started as root, would stop on
 * once it became {@code [server] run-as}: a user that does not exist, and a mount or document
 * root that user cannot reach. Before, check said "ok" and serve then refused to start.
 */
class CheckRunAsTest {

  @TempDir Path temp;

  @BeforeEach
  void requireRoot() throws Exception {
    assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
        "check judges the run-as user only when it runs as root, as serve drops only then");
  }

  @Test
  void aRunAsUserThatDoesNotExistIsAProblem() throws Exception {
    Path cgiBin = open(Files.createDirectories(temp.resolve("open/cgi-bin")));
    open(cgiBin.getParent());
    open(temp);
    Printed report = check("run-as = \"no-such-user-here\"", cgiBin);
    assertThat(report.text()).contains("[server] run-as: the user \"no-such-user-here\" does not "
        + "exist");
    assertThat(report.status()).isEqualTo(1);
  }

  @Test
  void aMountTheRunAsUserCannotReachIsAProblem() throws Exception {
    open(temp);
    Path hidden = Files.createDirectories(temp.resolve("hidden"));
    Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("rwx------"));
    Path closed = open(Files.createDirectories(hidden.resolve("cgi-bin")));
    Path reachable = open(Files.createDirectories(temp.resolve("open")));

    Printed refused = check("run-as = \"nobody\"", closed);
    Printed fine = check("run-as = \"nobody\"", reachable);

    assertThat(refused.text()).contains(closed + ": the run-as user \"nobody\" cannot read and "
        + "search it");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(fine.text()).doesNotContain("cannot read and search").contains("0 problem(s)");
    assertThat(fine.status()).isZero();
  }

  private static Path open(Path dir) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private Printed check(String serverKeys, Path cgiBin) throws Exception {
    Path toml = Files.writeString(temp.resolve("check.toml"), """
        [server]
        %s
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(serverKeys, cgiBin));
    return Printed.check(toml);
  }
}
