package io.cgiguard.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.fastcgi.ScriptFilenames.Named;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCRIPT_FILENAME in the forms nginx and Apache's mod_proxy_fcgi send it, as captured from
 * Apache 2.4 with each configuration the docs give.
 */
class ScriptFilenamesTest {

  @TempDir
  Path temp;

  private String script;
  private String spaced;

  @BeforeEach
  void scripts() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("cgi-bin"));
    script = Files.writeString(dir.resolve("env.cgi"), "").toString();
    spaced = Files.writeString(dir.resolve("a b.cgi"), "").toString();
  }

  @Test
  void nginxsPathIsTakenAsItIs() {
    assertThat(ScriptFilenames.read(script, "/cgi-bin/env.cgi", "/more"))
        .isEqualTo(new Named(script, "/cgi-bin/env.cgi", "/more"));
  }

  @Test
  void apacheSetHandlerPutsTheMappedFilesPathBehindItsPrefix() {
    assertThat(ScriptFilenames.read("proxy:fcgi://localhost/" + spaced, "/cgi-bin/a b.cgi",
        "/x y")).isEqualTo(new Named(spaced, "/cgi-bin/a b.cgi", "/x y"));
  }

  @Test
  void apacheProxyPassSendsAnEncodedUrlPathWithThePathInfoStillOnIt() {
    String encoded = script.substring(0, script.length() - "env.cgi".length()) + "a%20b.cgi";

    Named named = ScriptFilenames.read("proxy:fcgi://localhost" + encoded + "/x%20y/z",
        "/pm/a b.cgi/x y/z", "");

    assertThat(named).isEqualTo(new Named(spaced, "/pm/a b.cgi", "/x y/z"));
  }

  @Test
  void apachesGenericBackendTypeLeavesTheUrlPathEncodedWithoutItsPrefix() {
    String encoded = spaced.replace(" ", "%20");

    assertThat(ScriptFilenames.read(encoded + "/p", "/g/a b.cgi/p", ""))
        .isEqualTo(new Named(spaced, "/g/a b.cgi", "/p"));
  }

  @Test
  void apachesEncodedPathIsDecodedOnceOnly() throws Exception {
    String dir = script.substring(0, script.length() - "env.cgi".length());
    Files.writeString(Path.of(dir, "aA.cgi"), "");

    // Apache sends a%2541.cgi for a file named a%41.cgi, which is not there: nothing runs.
    assertThat(ScriptFilenames.read("proxy:fcgi://localhost" + dir + "a%2541.cgi", "/n", ""))
        .isEqualTo(new Named(dir + "a%41.cgi", "/n", ""));
  }

  @Test
  void aBalancerAndAPortAreReadTheSameWayAndAQueryIsDropped() {
    assertThat(ScriptFilenames.read("PROXY:BALANCER://pool:9000" + script + "?a=1", "/e", ""))
        .isEqualTo(new Named(script, "/e", ""));
  }

  @Test
  void thePathInfoTheFrontServerSentStands() {
    assertThat(ScriptFilenames.read(script + "/extra", "/s", "/its-own"))
        .isEqualTo(new Named(script, "/s", "/its-own"));
  }

  @Test
  void aPathThatBeginsWithNoFileIsLeftForTheRootsToRefuse() {
    String missing = temp.resolve("nothing/here.cgi").toString();

    assertThat(ScriptFilenames.read(missing + "/x", "/n", ""))
        .isEqualTo(new Named(missing + "/x", "/n", ""));
    assertThat(ScriptFilenames.read("proxy:fcgi://localhost", "/n", ""))
        .isEqualTo(new Named("", "/n", ""));
    assertThat(ScriptFilenames.read("proxy:fcgi://localhost/a%2", "/n", ""))
        .isEqualTo(new Named("/a%2", "/n", ""));
    assertThat(ScriptFilenames.read("relative/env.cgi", "/n", ""))
        .isEqualTo(new Named("relative/env.cgi", "/n", ""));
  }

  @Test
  void anEncodedNulNamesNoFile() {
    assertThat(ScriptFilenames.read("proxy:fcgi://localhost" + script + "%00.txt", "/n", ""))
        .isEqualTo(new Named(script + "\0.txt", "/n", ""));
  }
}
