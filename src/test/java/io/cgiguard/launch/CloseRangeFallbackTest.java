package io.cgiguard.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgiguard.TestScripts;
import io.cgiguard.cli.ServeChild;
import io.cgiguard.http.RawConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where close_range(2) fails, the native spawn still closes every descriptor of the gateway's
 * before the script runs: it lists {@code /proc/self/fd} and closes what it finds. The failure is
 * made real with a seccomp filter ({@code test-scripts/src/without-close-range.c}) around the
 * whole gateway, answering ENOSYS as a kernel before 5.9 does, or EPERM as a container's older
 * seccomp profile does; the gateway, holding its listeners, log and pipes, then runs a script
 * that lists its own descriptors.
 */
class CloseRangeFallbackTest {

  @TempDir Path temp;
  private ServeChild child;

  @BeforeEach
  void readableTemp() throws IOException {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void stop() {
    if (child != null) {
      child.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ENOSYS", "EPERM"})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void scriptsInheritNoDescriptorWhenCloseRangeFails(String errno) throws Exception {
    Path wrapper = compileWrapper();
    Path root = ServeChild.readableDirectory(temp.resolve("gateway"));
    Path cgiBin = ServeChild.readableDirectory(root.resolve("cgi-bin"));
    ServeChild.readableDirectory(root.resolve("docroot"));
    Path script = cgiBin.resolve("inherited-descriptors.sh");
    Files.copy(TestScripts.path("security/inherited-descriptors.sh"), script);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    boolean asRoot = Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t");
    child = ServeChild.startUnder(root, ServeChild.cgiBinConfig(root.resolve("docroot"), cgiBin,
        asRoot ? "run-as = \"nobody\"" : ""),
        List.of(wrapper.toString(), errno));
    int port = child.awaitListening(Duration.ofSeconds(60)).getPort();

    for (int i = 0; i < 3; i++) {
      String reply;
      try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(30))) {
        // HTTP/1.0: the body is never chunked, so it is the script's output as it wrote it.
        reply = connection.send("GET /cgi-bin/inherited-descriptors.sh HTTP/1.0\r\n\r\n")
            .readToClose();
      }
      assertThat(reply).startsWith("HTTP/1.1 200");
      String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
      // 3 is the descriptor ls itself opens to read /proc/self/fd.
      assertThat(body.split("\\s+")).as(reply).containsExactly("0", "1", "2", "3");
    }
    // The launcher is made with the first request, and names how it starts scripts.
    assertThat(child.stderr()).doesNotContain("\tat ")
        .as("the native spawn, whose close_range the filter refuses").contains("native spawn");
  }

  /**
   * @return the seccomp wrapper, built for this test; the test is skipped without gcc or on
   *     another architecture
   */
  private Path compileWrapper() throws IOException, InterruptedException {
    assumeTrue(List.of("amd64", "aarch64").contains(System.getProperty("os.arch")),
        "the seccomp wrapper names the audit architecture of x86_64 and aarch64 only");
    Path source = TestScripts.path("src/without-close-range.c");
    Path binary = ServeChild.readableDirectory(temp.resolve("bin")).resolve("without-close-range");
    Process gcc;
    try {
      gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o",
          binary.toString(), source.toString()).redirectErrorStream(true).start();
    } catch (IOException noCompiler) {
      return abort("gcc is needed to build the seccomp wrapper: " + noCompiler.getMessage());
    }
    String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(gcc.waitFor(60, TimeUnit.SECONDS)).as("gcc finished").isTrue();
    assertThat(gcc.exitValue()).as("gcc: %s", output).isZero();
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    return binary;
  }
}
