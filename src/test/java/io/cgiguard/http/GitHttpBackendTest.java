package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code git} client against Debian's {@code git-http-backend} behind the gateway: clone,
 * fetch, and a push of several MiB, which git sends with chunked transfer coding.
 */
class GitHttpBackendTest {

  private static final String BACKEND = GitClient.BACKEND;

  @TempDir
  Path temp;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void cloneFetchAndPushThroughTheGateway() throws Exception {
    RequiredPrograms.requireExecutable(BACKEND);
    RequiredPrograms.requireCommand("git", "git", "--version");
    Path repos = Files.createDirectories(temp.resolve("repos"));
    Path bare = repos.resolve("project.git");
    Path seed = new GitClient(temp).seededRepository(bare, "hello through cgiguard\n");

    try (TestGateway gateway = TestGateway.start(GitClient.gatewayMount(temp, repos))) {
      String url = gateway.uri("/git/backend/project.git").toString();
      Path clone = temp.resolve("clone");
      git(temp, "clone", url, clone.toString());
      assertThat(clone.resolve("README")).hasContent("hello through cgiguard");

      Files.writeString(seed.resolve("NEWS"), "second commit\n");
      git(seed, "add", "NEWS");
      git(seed, "commit", "-m", "second");
      git(seed, "push", bare.toString(), "main");
      git(clone, "fetch", "origin");
      assertThat(git(clone, "rev-parse", "origin/main")).isEqualTo(git(seed, "rev-parse", "HEAD"));

      byte[] payload = new byte[6 * 1024 * 1024]; // random, so the pack stays several MiB
      new Random(3).nextBytes(payload);
      git(clone, "merge", "--ff-only", "origin/main");
      Files.write(clone.resolve("payload.bin"), payload);
      git(clone, "add", "payload.bin");
      git(clone, "commit", "-m", "large push");
      Path trace = temp.resolve("push-trace.txt");
      gitTraced(trace, clone, "push", "origin", "HEAD:main");
      // Larger than git's http.postBuffer (1 MiB), so the pack went up with chunked coding.
      assertThat(Files.readString(trace, StandardCharsets.ISO_8859_1))
          .containsIgnoringCase("Send header: Transfer-Encoding: chunked");
      assertThat(git(bare, "rev-parse", "main")).isEqualTo(git(clone, "rev-parse", "HEAD"));
      assertThat(git(bare, "cat-file", "-s", "main:payload.bin"))
          .isEqualTo(Integer.toString(payload.length));
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void cloneOfManyBranchesSendsAGzipEncodedRequestBody() throws Exception {
    RequiredPrograms.requireExecutable(BACKEND);
    RequiredPrograms.requireCommand("git", "git", "--version");
    Path repos = Files.createDirectories(temp.resolve("repos"));
    Path bare = repos.resolve("branches.git");
    git(temp, "init", "--bare", "-b", "main", bare.toString());
    // One commit per branch: git asks for each, and a request body over 1 KiB is sent gzipped.
    StringBuilder stream = new StringBuilder();
    for (int i = 0; i < 80; i++) {
      String name = "b%02d".formatted(i);
      stream.append("commit refs/heads/").append(i == 0 ? "main" : name).append('\n')
          .append("committer Test <test@example.org> 1700000000 +0000\n")
          .append("data 4\n").append(name).append("\n\n")
          .append("M 644 inline file\ndata 4\n").append(name).append("\n\n");
    }
    Path input = temp.resolve("fast-import.txt");
    Files.writeString(input, stream, StandardCharsets.US_ASCII);
    new GitClient(temp).withInput(input, bare, "fast-import", "--quiet");

    try (TestGateway gateway = TestGateway.start(GitClient.gatewayMount(temp, repos))) {
      Path clone = temp.resolve("clone");
      Path trace = temp.resolve("clone-trace.txt");
      gitTraced(trace, temp, "clone", "--mirror",
          gateway.uri("/git/backend/branches.git").toString(), clone.toString());
      assertThat(Files.readString(trace, StandardCharsets.ISO_8859_1))
          .containsIgnoringCase("Send header: Content-Encoding: gzip");
      assertThat(git(clone, "rev-parse", "b79")).isEqualTo(git(bare, "rev-parse", "b79"));
      assertThat(git(clone, "for-each-ref", "--format=%(refname)", "refs/heads/").lines())
          .hasSize(80);
    }
  }

  private String git(Path dir, String... args) throws Exception {
    return new GitClient(temp).git(dir, args);
  }

  private String gitTraced(Path trace, Path dir, String... args) throws Exception {
    return new GitClient(temp).traced(trace, dir, args);
  }
}
