package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgiguard run} started as root, in a child JVM (the drop changes the whole process): the
 * script runs as {@code [server] run-as}, as under {@code serve}, and an unknown user stops the
 * command before the script starts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunAsRootTest {

  private static final Path FIXTURE = Path.of(System.getProperty("cgiguard.project.dir", "."))
      .toAbsolutePath().normalize().resolve("test-scripts/processes/print-identity.sh");

  @TempDir Path temp;
  private Path root;
  private Path script;
  private Process child;

  @BeforeEach
  void requireRoot() throws Exception {
    assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
        "the privilege drop can only be shown by a test that runs as root");
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    root = ServeChild.readableDirectory(temp.resolve("gateway"));
    Path cgiBin = ServeChild.readableDirectory(root.resolve("cgi-bin"));
    script = Files.copy(FIXTURE, cgiBin.resolve("ids.sh"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void stopChild() throws Exception {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theScriptRunsAsTheRunAsUser() throws Exception {
    String[] nobody = Files.readAllLines(Path.of("/etc/passwd")).stream()
        .filter(line -> line.startsWith("nobody:")).findFirst().orElseThrow().split(":");
    String uid = nobody[2];
    String gid = nobody[3];

    int status = run("nobody");

    assertThat(status).as(stderr()).isZero();
    assertThat(stdout()).contains("user:     nobody (uid " + uid + ", gid " + gid)
        .contains("id-u: " + uid + "\n")
        .contains("Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n")
        .contains("Gid:\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid + "\n");
  }

  @Test
  void anUnknownRunAsUserIsOneLineAndExitTwoAndNothingRuns() throws Exception {
    int status = run("cgiguard-no-such-user");

    assertThat(status).as(stderr()).isEqualTo(2);
    List<String> errors = stderr().lines().filter(line -> line.startsWith("cgiguard: ")).toList();
    assertThat(errors).singleElement().asString()
        .contains("run-as user \"cgiguard-no-such-user\" does not exist")
        .contains("[server] run-as");
    assertThat(stderr()).doesNotContain("Exception");
    assertThat(stdout()).doesNotContain("id-u");
  }

  /** @return the exit status of {@code cgiguard run ids.sh} with {@code run-as = runAs} */
  private int run(String runAs) throws IOException, InterruptedException {
    Path config = root.resolve("cgiguard.toml");
    Files.writeString(config, """
        [server]
        run-as = "%s"
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(runAs, script.getParent()));
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    child = ServeChild.cgiguard(root, List.of("run", "--config", config.toString(),
        script.toString()));
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("run ended").isTrue();
    return child.exitValue();
  }

  private String stdout() throws IOException {
    return Files.readString(root.resolve("stdout.txt"));
  }

  private String stderr() throws IOException {
    return Files.readString(root.resolve("stderr.txt"));
  }
}
