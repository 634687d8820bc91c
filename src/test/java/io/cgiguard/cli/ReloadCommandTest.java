package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.http.GatewayServer;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgiguard reload} against a real gateway: it finds the gateway from a file that no longer
 * validates and prints the gateway's refusal; it says so when no gateway answers, and when it
 * cannot know where to ask.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReloadCommandTest {

  @TempDir Path temp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int reload(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "reload";
    System.arraycopy(args, 0, all, 1, args.length);
    return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  @Test
  void findsTheGatewayInABrokenFileAndPrintsItsRefusal() throws Exception {
    Path file = temp.resolve("cgiguard.toml");
    String site = """
        [server]
        port = %d
        docroot = "%s"
        """;
    Files.writeString(file, site.formatted(0, TestScripts.path("docroot")));
    try (Launcher launcher = Launchers.create();
        GatewayServer server = new GatewayServer(new ConfigLoader(temp).load(file), launcher)) {
      server.reloadFrom(() -> new ConfigLoader(temp).load(file));
      server.start();
      Files.writeString(file, site.formatted(server.port(), TestScripts.path("docroot"))
          + "[timeouts]\nheader = \"later\"\n");

      int status = reload("--config", file.toString());

      assertThat(status).as(err.toString()).isEqualTo(ReloadCommand.EXIT_REFUSED);
      assertThat(err.toString()).contains("refused; the running configuration keeps serving")
          .contains(file + ":5: timeouts.header:");
    }
  }

  @Test
  void saysSoWhenNoGatewayAnswers() throws Exception {
    int port;
    try (ServerSocket taken = new ServerSocket(0)) {
      port = taken.getLocalPort();
    }

    int status = reload("--url", "http://127.0.0.1:" + port + "/");

    assertThat(status).isEqualTo(ReloadCommand.EXIT_UNREACHABLE);
    assertThat(err.toString()).contains("no gateway answered at http://127.0.0.1:" + port
        + "/-/reload");
  }

  @Test
  void anotherServersPageIsStatusAndAShortExcerptOnOneLine() throws Exception {
    String page = "<!DOCTYPE html>\r\n<html><head><title>Welcome to nginx!</title></head>\n"
        + "<body>\u001b[2J\u001b]0;owned\u0007" + "lorem ipsum ".repeat(200)
        + "THE-END</body></html>\n";
    com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    other.createContext("/", exchange -> {
      byte[] bytes = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(404, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    other.start();
    try {
      int status = reload("--url", "http://127.0.0.1:" + other.getAddress().getPort() + "/");

      assertThat(status).as(err.toString()).isEqualTo(ReloadCommand.EXIT_UNREACHABLE);
      String line = err.toString().strip();
      assertThat(line).doesNotContain("\n").doesNotContain("THE-END")
          .contains("/-/reload answered 404 without a reload result")
          .contains(": <!DOCTYPE html> <html><head><title>Welcome to nginx!</title>")
          .contains("\\x1B[2J").endsWith("...");
      assertThat(line.chars().filter(Character::isISOControl)).isEmpty();
      assertThat(line.length()).isLessThan(400);
    } finally {
      other.stop(0);
    }
  }

  @Test
  void asksForTheUrlWhenTheFileSaysAnyPort() throws Exception {
    Path file = temp.resolve("cgiguard.toml");
    Files.writeString(file, "[server]\nport = 0\n");

    int status = reload("--config", file.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("port is 0 (any free port): give --url");
  }

  /** Falling back to 127.0.0.1:8080 could reload another gateway than the file's. */
  @Test
  void aPortOrBindThatIsNoAddressIsExitTwoNamingFileAndKeyNotTheDefault() throws Exception {
    Path badPort = Files.writeString(temp.resolve("port.toml"), "[server]\nport = \"abc\"\n");
    Path badBind = Files.writeString(temp.resolve("bind.toml"), "[server]\nbind = 8081\n");

    assertThat(reload("--config", badPort.toString())).as(err.toString()).isEqualTo(2);
    assertThat(reload("--config", badBind.toString())).as(err.toString()).isEqualTo(2);

    assertThat(err.toString().lines().toList()).containsExactly(
        "cgiguard: cannot find the gateway's address: " + badPort
            + ": server.port: \"abc\" is not a port number from 0 to 65535; give --url",
        "cgiguard: cannot find the gateway's address: " + badBind
            + ": server.bind: 8081 is not an address; give --url");
  }

  @Test
  void aUrlWithoutAHostOrWithAPortOutOfRangeOrATimeoutOfZeroIsOneLineAndExitTwo() {
    assertThat(reload("--url", "http:/nohost")).isEqualTo(2);
    assertThat(reload("--url", "http://127.0.0.1:99999/")).isEqualTo(2);
    assertThat(reload("--url", "http://127.0.0.1:19299/", "--timeout", "0")).isEqualTo(2);

    assertThat(err.toString().lines()).hasSize(3).allMatch(line -> line.startsWith("cgiguard: "));
    assertThat(err.toString()).contains("--url must be an http:// URL with a host")
        .contains("the port must be from 1 to 65535").contains("--timeout must be more than 0");
  }

  @Test
  void refusesAUrlThatIsNotHttp() {
    int status = reload("--url", "ftp://127.0.0.1/");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--url must be an http:// URL");
  }
}
