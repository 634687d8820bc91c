package io.cgiguard.http;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code git} command with a clean environment, for the tests that drive
 * {@code git-http-backend} through the gateway (over HTTP, or FastCGI behind nginx).
 */
final class GitClient {

  static final String BACKEND = "/usr/lib/git-core/git-http-backend";

  private final Path temp;

  /** @param temp a scratch directory for git's home and output files */
  GitClient(Path temp) {
    this.temp = temp;
  }

  /**
   * The gateway's side of a git test: a mount at {@code /git/} holding a wrapper for
   * git-http-backend (made under {@code temp}), and the environment the backend reads.
   */
  static String gatewayMount(Path temp, Path repos) throws IOException {
    Path scripts = Files.createDirectories(temp.resolve("git-cgi"));
    Path wrapper = scripts.resolve("backend");
    Files.writeString(wrapper, "#!/bin/sh\nexec " + BACKEND + "\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return """
        [[mount]]
        url = "/git/"
        dir = "%s"
        [environment]
        set = { GIT_PROJECT_ROOT = "%s", GIT_HTTP_EXPORT_ALL = "1" }
        """.formatted(scripts, repos);
  }

  String git(Path dir, String... args) throws Exception {
    return run(null, null, dir, args);
  }

  /** As {@link #git}, with git's HTTP exchange traced to {@code trace}. */
  String traced(Path trace, Path dir, String... args) throws Exception {
    return run(trace, null, dir, args);
  }

  /** As {@link #git}, with standard input read from {@code input}. */
  String withInput(Path input, Path dir, String... args) throws Exception {
    return run(null, input, dir, args);
  }

  /** A bare repository open to pushes, and a local one that has pushed a first commit to it. */
  Path seededRepository(Path bare, String readme) throws Exception {
    git(temp, "init", "--bare", "-b", "main", bare.toString());
    git(bare, "config", "http.receivepack", "true");
    Path seed = temp.resolve("seed");
    git(temp, "init", "-b", "main", seed.toString());
    Files.writeString(seed.resolve("README"), readme);
    git(seed, "add", "README");
    git(seed, "commit", "-m", "first");
    git(seed, "push", bare.toString(), "main");
    return seed;
  }

  /**
   * Runs git (its HTTP exchange traced to {@code trace}, its standard input read from
   * {@code input}, each unless null) and returns its trimmed output.
   */
  private String run(Path trace, Path input, Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    String path = env.getOrDefault("PATH", "/usr/bin:/bin");
    env.clear();
    Path home = Files.createDirectories(temp.resolve("home"));
    env.putAll(Map.of("PATH", path, "HOME", home.toString(), "GIT_TERMINAL_PROMPT", "0",
        "GIT_CONFIG_NOSYSTEM", "1", "GIT_AUTHOR_NAME", "Test", "GIT_AUTHOR_EMAIL", "test@example.org",
        "GIT_COMMITTER_NAME", "Test", "GIT_COMMITTER_EMAIL", "test@example.org", "LANG", "C"));
    if (trace != null) {
      env.put("GIT_TRACE_CURL", trace.toString());
      env.put("GIT_TRACE_CURL_NO_DATA", "1");
    }
    // Output goes to a file so that waiting is bounded by the deadline, not by a blocking read.
    Path output = Files.createTempFile(temp, "git", ".out");
    builder.redirectOutput(output.toFile());
    if (input != null) {
      builder.redirectInput(input.toFile());
    }
    Process process = builder.start();
    if (input == null) {
      process.getOutputStream().close();
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("git " + String.join(" ", args) + " did not finish within 60s");
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      fail("git " + String.join(" ", args) + " exited " + process.exitValue() + ":\n" + text);
    }
    return text.trim();
  }
}
