package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.TestScripts;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script with its execute bit on a file system mounted noexec: the spawn fails with EACCES and
 * the diagnosis names the mount, not the permissions. Needs root to mount a tmpfs; elsewhere the
 * test is skipped by assumption (the cause is then only covered by the guard's own tests).
 */
class NoexecMountTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path scratch;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void scriptOnNoexecMountIsDiagnosedAsSuch() throws Exception {
    Path mountPoint = Files.createDirectory(scratch.resolve("noexec"));
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "noexec,size=1m", "tmpfs",
        mountPoint.toString()), "mounting a tmpfs needs root");
    try {
      Path script = mountPoint.resolve("on-noexec.cgi");
      Files.copy(TestScripts.path("before-headers/exit-before-any-output.cgi"), script);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      try (TestGateway gateway = TestGateway.start("""
          [[mount]]
          url = "/noexec/"
          dir = "%s"
          """.formatted(mountPoint))) {
        HttpResponse<String> response =
            gateway.get("/noexec/on-noexec.cgi", "Accept", "application/json");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("X-Cgiguard-Failure")).hasValue("spawn-failed");
        JsonNode page = JSON.readTree(response.body());
        assertThat(page.at("/cause/id").asText()).isEqualTo("noexec-mount");
        assertThat(page.at("/attempts/0/spawnError/name").asText()).isEqualTo("EACCES");
      }
    } finally {
      run("umount", mountPoint.toString());
    }
  }

  private static boolean run(String... argv) throws Exception {
    Process process = new ProcessBuilder(List.of(argv)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
  }
}
