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
  void socketInADirectoryThatDoesNotExistIsOneLine() throws Exception {
    Path cgiBin = Files.createDirectories(dir.resolve("cgi-bin"));
    Path socket = dir.resolve("run/cgiguard/fcgi.sock");

    CommandLineTest.Result result = CommandLineTest.run("serve", "--port", "0", "--cgi-bin",
        cgiBin.toString(), "--docroot", dir.toString(), "--fastcgi", "unix:" + socket);

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err().strip()).doesNotContain("\n").contains("cannot listen on unix:"
        + socket + ": " + socket.getParent() + " does not exist");
  }

  @Test
  void socketPathLongerThanTheKernelTakesIsRefusedBeforeAnythingStarts() {
    String socket = "/run/" + "s".repeat(103) + ".sock";

    CommandLineTest.Result result = CommandLineTest.run("serve", "--fastcgi", "unix:" + socket);

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("names a socket path of 113 bytes; a Unix socket path may "
        + "have at most 107").doesNotContain("Exception");
  }

  @Test
  void socketTheKernelWillNotMakeIsOneLineNamingFastCgi() throws Exception {
    Path cgiBin = Files.createDirectories(dir.resolve("cgi-bin"));

    CommandLineTest.Result result = CommandLineTest.run("serve", "--port", "0", "--cgi-bin",
        cgiBin.toString(), "--docroot", dir.toString(), "--fastcgi", "unix:/proc/fcgi.sock");

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err().strip()).doesNotContain("\n")
        .startsWith("cgiguard: cannot listen for FastCGI on unix:/proc/fcgi.sock: ");
  }

  @Test
  void fastCgiPortInUseIsNamedAsFastCgisNotAsTheHttpListeners() throws Exception {
    Path cgiBin = Files.createDirectories(dir.resolve("cgi-bin"));
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();

      CommandLineTest.Result result = CommandLineTest.run("serve", "--port", "0", "--cgi-bin",
          cgiBin.toString(), "--docroot", dir.toString(), "--fastcgi", address);

      assertThat(result.status()).isEqualTo(1);
      assertThat(result.err().strip()).isEqualTo("cgiguard: cannot listen for FastCGI on "
          + address + ": the address is already in use");
    }
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
