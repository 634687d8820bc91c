package io.cgiguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.http.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [request] deny-url-sequences} and {@code allowed-extensions} hold however the URL is
 * spelled: a denied sequence is found in the decoded path as in the raw one, regardless of case
 * (IIS matches the normalised URL), and the allowed extensions are those of the file served or
 * the script run, never of PATH_INFO; a name without an extension passes only when {@code "."} is
 * listed, as with IIS's {@code fileExtensions allowUnlisted="false"}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestFilteringRulesTest {

  @TempDir Path work;
  Path docroot;
  Path app;

  @BeforeEach
  void files() throws Exception {
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    docroot = directory(work.resolve("docroot"));
    app = directory(work.resolve("app"));
    write(docroot.resolve("page.html"), "plain page\n");
    write(docroot.resolve("secret.txt"), "the secret file\n");
    directory(docroot.resolve("secretdir"));
    write(docroot.resolve("secretdir/x.txt"), "inside the secret directory\n");
    write(docroot.resolve("README"), "readme without an extension\n");
    write(docroot.resolve(".hiddenrc"), "a dot file\n");
    write(app.resolve("index.html"), "index of the app\n");
    write(app.resolve("run.PL"), "print \"Content-Type: text/plain\\n\\nperl ran\\n\";\n");
  }

  @Test
  void aDeniedSequenceIsFoundWhateverItsSpellingOrCase() throws Exception {
    try (TestGateway served = serve("""
        [request]
        deny-url-sequences = ["secret", ".."]
        """)) {
      for (String path : new String[] {"/secret.txt", "/%73ecret.txt", "/%73ecretdir/x.txt"}) {
        HttpResponse<String> response = served.get(path);

        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(response.body()).as(path).contains("denied sequence")
            .doesNotContain("secret file").doesNotContain("secret directory");
      }
      assertThat(served.get("/page.html").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aDeniedSequenceHoldsWithIisCaseFolding() throws Exception {
    try (TestGateway served = serve("""
        [request]
        deny-url-sequences = ["secret"]
        [iis-compat]
        enabled = true
        """)) {
      for (String path : new String[] {"/SECRET.txt", "/%53ECRET.txt", "/SecretDir/x.txt"}) {
        HttpResponse<String> response = served.get(path);

        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(response.body()).as(path).contains("denied sequence")
            .doesNotContain("secret file").doesNotContain("secret directory");
      }
      assertThat(served.get("/PAGE.html").body()).isEqualTo("plain page\n");
    }
  }

  @Test
  void onlyTheListedExtensionsOfWhatIsServedOrRunPass() throws Exception {
    try (TestGateway served = serve("""
        [request]
        allowed-extensions = [".html", ".txt", ".htm"]
        """)) {
      assertThat(served.get("/page.html").statusCode()).isEqualTo(200);
      assertThat(served.get("/app/").body()).isEqualTo("index of the app\n");
      for (String path : new String[] {"/README", "/.hiddenrc", "/cgi-bin/hello.sh/x.txt",
          "/cgi-bin/hello.sh", "/app/run.PL/x.html", "/app/run.PL"}) {
        HttpResponse<String> response = served.get(path);

        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(response.body()).as(path).contains("not allowed")
            .doesNotContain("readme").doesNotContain("dot file").doesNotContain("hello")
            .doesNotContain("perl ran");
      }
    }
  }

  @Test
  void aNameWithoutAnExtensionPassesWhenTheDotIsListed() throws Exception {
    try (TestGateway served = serve("""
        [request]
        allowed-extensions = [".", ".txt"]
        """)) {
      assertThat(served.get("/README").body()).isEqualTo("readme without an extension\n");
      assertThat(served.get("/page.html").statusCode()).isEqualTo(404);
      assertThat(served.get("/.hiddenrc").statusCode()).isEqualTo(404);
    }
  }

  private TestGateway serve(String toml) throws Exception {
    return TestGateway.start(new ConfigLoader(work).parse("test.toml", Optional.empty(), """
        [server]
        port = 0
        docroot = "%s"
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        [[mount]]
        url = "/app/"
        dir = "%s"
        execution = "mapped"
        [[mount.handler]]
        path = "*.pl"
        script-processor = "/usr/bin/perl %%s"
        """.formatted(docroot, TestScripts.path("responses"), app) + toml));
  }

  private static Path directory(Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static void write(Path file, String text) throws Exception {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }
}
