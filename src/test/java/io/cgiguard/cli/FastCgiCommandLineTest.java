package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --fastcgi}: a bad address or socket path is one clear line, never a trace. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FastCgiCommandLineTest {

  @TempDir Path dir;

  @Test
  void addressThatIsNeitherSocketNorHostPortIsRefused() {
    CommandLineTest.Result result = CommandLineTest.run("serve", "--fastcgi", "localhost");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("--fastcgi: 'localhost' is neither \"unix:/path\" nor "
        + "\"host:port\"").doesNotContain("Exception");
  }

  @Test
  void fastCgiOnlyNeedsAnAddress() {
    CommandLineTest.Result result = CommandLineTest.run("serve", "--fastcgi-only");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("--fastcgi-only needs a FastCGI address");
  }

  @Test
  void fileInTheSocketsPlaceIsNeverOverwritten() throws Exception {
    Path cgiBin = Files.createDirectories(dir.resolve("cgi-bin"));
    Path occupied = Files.writeString(dir.resolve("fcgi.sock"), "not a socket\n");

    CommandLineTest.Result result = CommandLineTest.run("serve", "--port", "0", "--cgi-bin",
        cgiBin.toString(), "--docroot", dir.toString(), "--fastcgi", "unix:" + occupied);

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err().strip()).doesNotContain("\n")
        .contains("cannot listen on unix:" + occupied + ": something other than a socket");
    assertThat(occupied).hasContent("not a socket");
  }
}
