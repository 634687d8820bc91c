package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} that cannot listen says which listener (HTTP, HTTPS, FastCGI), on which address,
 * and the kernel's real reason, in one line with exit status 1: never "already in use" for what
 * is something else, never the HTTP port for another listener's, never a stack trace.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeListenFailureTest {

  private static final String BELOW_1024 =
      "permission denied: a port below 1024 needs root or CAP_NET_BIND_SERVICE";

  @TempDir Path dir;
  private Path cgiBin;

  @BeforeEach
  void site() throws IOException {
    cgiBin = Files.createDirectories(dir.resolve("cgi-bin"));
  }

  /**
   * In this JVM; {@code --run-as root} because a start that wrongly succeeded would otherwise drop
   * the whole test run to nobody before the test could fail.
   */
  private CommandLineTest.Result serve(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("serve", "--run-as", "root",
        "--cgi-bin", cgiBin.toString(), "--docroot", dir.toString()));
    all.addAll(List.of(args));
    return CommandLineTest.run(all.toArray(String[]::new));
  }

  @Test
  void aTlsPortInUseNamesTheTlsPortNotTheHttpOne() throws Exception {
    Path key = dir.resolve("key.pem");
    Path chain = dir.resolve("chain.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048",
        "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", key.toString(), "-out",
        chain.toString()).redirectErrorStream(true).start();
    openssl.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0)
        .as("openssl made a certificate").isTrue();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CommandLineTest.Result result = serve("--port", "0", "--tls-port",
          Integer.toString(taken.getLocalPort()), "--certificate", chain.toString(),
          "--private-key", key.toString());

      assertThat(result.status()).as(result.err()).isEqualTo(1);
      assertThat(result.err().strip()).isEqualTo("cgiguard: cannot listen for HTTPS on 127.0.0.1:"
          + taken.getLocalPort() + ": the address is already in use");
    }
  }

  @Test
  void anAddressNotOnThisMachineIsSaidSo() throws Exception {
    String foreign = foreignAddress();

    CommandLineTest.Result result = serve("--bind", foreign, "--port", "8080");

    assertThat(result.status()).as(result.err()).isEqualTo(1);
    assertThat(result.err().strip()).isEqualTo("cgiguard: cannot listen on " + foreign
        + ":8080: the address is not one of this machine's");
  }

  @Test
  void aBindThatIsNoAddressIsOneLineNotAnInternalError() throws Exception {
    Path config = Files.writeString(dir.resolve("cgiguard.toml"),
        "[server]\nbind = \"999.1.1.1\"\nport = 8080\n");

    CommandLineTest.Result inFile = serve("--config", config.toString());
    Path plain = Files.writeString(dir.resolve("plain.toml"), "[server]\nport = 8080\n");
    CommandLineTest.Result onTheCommandLine = serve("--config", plain.toString(),
        "--bind", "999.1.1.1");

    // In the file it is a problem of the file, with its line, as check reports it too.
    assertThat(inFile.err()).contains("cgiguard.toml:2: server.bind: \"999.1.1.1\" is not an "
        + "IP address").doesNotContain("internal error");
    assertThat(onTheCommandLine.status()).as(onTheCommandLine.err()).isEqualTo(1);
    assertThat(onTheCommandLine.err().strip()).isEqualTo("cgiguard: cannot listen on "
        + "999.1.1.1:8080: the address is neither an IP address nor a host name this machine can "
        + "resolve");
  }

  @Test
  void aPortBelow1024AsAnotherUserIsPermissionDeniedForHttpAndFastCgi() throws Exception {
    assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
        "only root can start the gateway as nobody, who may not listen below 1024");
    int port = freePortBelow1024();

    Result http = serveAsNobody("http", "--port", Integer.toString(port));
    Result fastCgi = serveAsNobody("fastcgi", "--port", "0", "--fastcgi", "127.0.0.1:" + port);

    assertThat(http.status()).as(http.stderr()).isEqualTo(1);
    assertThat(errors(http.stderr())).containsExactly("cgiguard: cannot listen on 127.0.0.1:"
        + port + ": " + BELOW_1024);
    assertThat(fastCgi.status()).as(fastCgi.stderr()).isEqualTo(1);
    assertThat(errors(fastCgi.stderr())).containsExactly("cgiguard: cannot listen for FastCGI "
        + "on 127.0.0.1:" + port + ": " + BELOW_1024);
  }

  record Result(int status, String stderr) {}

  /** Starts {@code serve ARGS} in a JVM of its own that runs as nobody from the start. */
  private Result serveAsNobody(String name, String... args) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path root = ServeChild.readableDirectory(dir.resolve(name));
    Path config = Files.writeString(root.resolve("cgiguard.toml"), "[server]\nport = 0\n");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    List<String> command = new java.util.ArrayList<>(List.of("serve", "--config",
        config.toString()));
    command.addAll(List.of(args));
    Process child = ServeChild.cgiguard(root, List.of("setpriv", "--reuid=nobody",
        "--regid=nogroup", "--clear-groups"), command);
    try {
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("serve ended").isTrue();
    } finally {
      child.destroyForcibly();
    }
    return new Result(child.exitValue(), Files.readString(root.resolve("stderr.txt")));
  }

  private static List<String> errors(String stderr) {
    return stderr.lines().filter(line -> line.startsWith("cgiguard: ")).toList();
  }

  /** @return a documentation address (RFC 5737) that no interface of this machine has */
  private static String foreignAddress() throws IOException {
    for (String candidate : List.of("192.0.2.1", "198.51.100.1", "203.0.113.1")) {
      if (NetworkInterface.getByInetAddress(InetAddress.getByName(candidate)) == null) {
        return candidate;
      }
    }
    throw new AssertionError("every RFC 5737 candidate is an address of this machine");
  }

  private static int freePortBelow1024() {
    for (int port = 1023; port > 512; port--) {
      try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return probe.getLocalPort();
      } catch (IOException inUse) {
        // the next one
      }
    }
    throw new AssertionError("no free port from 513 to 1023");
  }
}
