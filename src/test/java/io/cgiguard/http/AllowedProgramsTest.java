package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * IIS isapiCgiRestriction over real HTTP: the allowed-programs check judges exactly the program
 * the launcher then starts. Interpreters named by a bare name, found on the script's own
 * {@code PATH} past a non-executable decoy, or by a path relative to the script's directory, are
 * allowed when that very file is listed and refused when another one is.
 */
class AllowedProgramsTest {

  @TempDir
  Path root;

  private Path site;

  @BeforeEach
  void tree() throws IOException {
    // The scripts run as an unprivileged user, who must reach every file here.
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    program(directory(root.resolve("decoy")).resolve("tool"), "decoy", "rw-r--r--");
    program(directory(root.resolve("bin")).resolve("tool"), "bin", "rwxr-xr-x");
    site = directory(root.resolve("site"));
    program(directory(site.resolve("tools")).resolve("tool"), "site tools", "rwxr-xr-x");
    Files.writeString(site.resolve("bare.tool"), "input\n");
    Files.writeString(site.resolve("relative.rel"), "input\n");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theListedProgramIsTheOneThatRuns() throws Exception {
    try (TestGateway gateway = TestGateway.start(config(root.resolve("bin/tool"),
        site.resolve("tools/tool")))) {
      HttpResponse<String> bare = gateway.get("/t/bare.tool");
      HttpResponse<String> relative = gateway.get("/t/relative.rel");

      assertThat(bare.statusCode()).as(bare.body()).isEqualTo(200);
      assertThat(bare.body()).isEqualTo("ran bin\n");
      assertThat(relative.statusCode()).as(relative.body()).isEqualTo(200);
      assertThat(relative.body()).isEqualTo("ran site tools\n");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aProgramOfTheSameNameElsewhereDoesNotAllowIt() throws Exception {
    try (TestGateway gateway = TestGateway.start(config(root.resolve("decoy/tool"),
        root.resolve("bin/tools/tool")))) {
      HttpResponse<String> bare = gateway.get("/t/bare.tool");
      HttpResponse<String> relative = gateway.get("/t/relative.rel");

      assertThat(bare.statusCode()).isEqualTo(403);
      assertThat(bare.body()).contains("not in the list of programs allowed to run")
          .doesNotContain("ran ");
      assertThat(relative.statusCode()).isEqualTo(403);
      assertThat(relative.body()).doesNotContain("ran ");
    }
  }

  private String config(Path allowedBare, Path allowedRelative) {
    return """
        [[mount]]
        url = "/t/"
        dir = "%s"
        [interpreters]
        ".tool" = ["tool"]
        ".rel" = ["tools/tool"]
        [environment]
        pass = []
        set = { PATH = "%s:%s" }
        [restrictions]
        allowed-programs = ["%s", "%s"]
        """.formatted(site, root.resolve("decoy"), root.resolve("bin"), allowedBare,
        allowedRelative);
  }

  private static Path directory(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static void program(Path file, String name, String mode) throws IOException {
    Files.writeString(file, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nran " + name
        + "\\n'\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }
}
