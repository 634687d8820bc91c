package io.cgiguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  @TempDir Path dir;

  private GatewayConfig parse(String text) throws ConfigException {
    return new ConfigLoader(dir).parse("test.toml", Optional.empty(), text);
  }

  private ConfigException problems(String text) {
    try {
      parse(text);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected the configuration to be refused:\n" + text);
  }

  @Test
  void shippedConfigurationEqualsTheBuiltInDefaults() throws Exception {
    Path shipped = Path.of(System.getProperty("cgiguard.project.dir", "."), "conf", "cgiguard.toml");
    ConfigLoader loader = new ConfigLoader(dir);
    GatewayConfig fromFile = loader.load(shipped);
    GatewayConfig defaults = loader.defaults();
    // The shipped file serves the demo of the checkout; the built-in defaults serve nothing.
    assertThat(fromFile).usingRecursiveComparison()
        .ignoringFields("source", "arguments.allow", "server.docroot", "mounts")
        .isEqualTo(defaults);
    assertThat(fromFile.server().docroot()).contains(dir.resolve("webapp"));
    assertThat(fromFile.mounts()).singleElement()
        .satisfies(m -> assertThat(m.dir()).isEqualTo(dir.resolve("webapp/cgi-bin")));
    assertThat(fromFile.arguments().allow().pattern())
        .isEqualTo(defaults.arguments().allow().pattern());
  }

  @Test
  void defaultsAreSafe() {
    GatewayConfig config = new ConfigLoader(dir).defaults();
    assertThat(config.server().bind()).isEqualTo("127.0.0.1");
    assertThat(config.admin().allowRemote()).isFalse();
    assertThat(config.diagnostics().errorMode())
        .isEqualTo(GatewayConfig.ErrorMode.DETAILED_LOCAL_ONLY);
    assertThat(config.concurrency().maxPerScript()).isLessThan(config.concurrency().maxRunning());
    assertThat(config.timeouts().header()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.limits().maxHeaderBytes()).isEqualTo(64 * 1024);
    assertThat(config.retry().methods()).containsExactly("GET", "HEAD", "OPTIONS");
    assertThat(config.mounts()).as("no script runs unless a mount names it").isEmpty();
    assertThat(config.server().docroot()).as("no static file unless a docroot names it").isEmpty();
    assertThat(config.frontDoor()).isEqualTo(FrontDoor.defaults());
    assertThat(config.fastcgi().allowedClients()).as("a TCP FastCGI listener talks to loopback")
        .containsExactly(AddressRange.parse("127.0.0.0/8"), AddressRange.parse("::1/128"));
  }

  @Test
  void configurationWithoutMountsRunsNoScripts() throws Exception {
    GatewayConfig config = parse("[server]\nport = 9000\n");
    assertThat(config.mounts()).isEmpty();
    assertThat(config.server().docroot()).isEmpty();
  }

  @Test
  void aUrlMountedTwiceIsAProblem() {
    ConfigException e = problems("""
        [[mount]]
        url = "/cgi-bin/"
        dir = "a"
        [[mount]]
        url = "/cgi-bin"
        dir = "b"
        """);
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("mount[1].url");
      assertThat(p.message()).contains("/cgi-bin/ is mounted already by mount[0]");
    });
  }

  @Test
  void bindIsAnAddressOrAResolvableName() throws ConfigException {
    for (String good : List.of("127.0.0.1", "::1", "0.0.0.0", "localhost")) {
      assertThat(parse("[server]\nbind = \"" + good + "\"\n").server().bind()).isEqualTo(good);
    }
    for (String bad : List.of("999.1.1.1", "[::1]", "127.0.0.1:80", "nosuchhost.invalid")) {
      assertThat(problems("[server]\nbind = \"" + bad + "\"\n").problems()).as(bad)
          .singleElement().satisfies(p -> assertThat(p.key()).isEqualTo("server.bind"));
    }
  }

  @Test
  void tlsNeedsAPortOfItsOwn() {
    ConfigException e = problems("""
        [server]
        port = 8443
        [tls]
        port = 8443
        certificate = "cert.p12"
        """);
    assertThat(e.problems()).anySatisfy(p -> {
      assertThat(p.key()).isEqualTo("tls.port");
      assertThat(p.message()).contains("HTTPS needs a port of its own");
    });
  }

  @Test
  void localHostNamesAreNamesOnly() throws ConfigException {
    assertThat(parse("[server]\nlocal-host-names = [\"GW.Example.\", \"*\"]\n").server()
        .localHostNames()).containsExactly("gw.example", "*");
    assertThat(parse("").server().localHostNames()).isEmpty();
    ConfigException e = problems(
        "[server]\nlocal-host-names = [\"ok.example\", \"gw.example:8080\", \"http://x\"]\n");
    assertThat(e.problems()).hasSize(2).allSatisfy(p -> {
      assertThat(p.key()).isEqualTo("server.local-host-names");
      assertThat(p.line()).isEqualTo(2);
      assertThat(p.message()).contains("is not a host name");
    });
  }

  @Test
  void typoIsReportedWithLineKeyAndSuggestion() {
    ConfigException e = problems("[server]\nbind = \"127.0.0.1\"\nprot = 8080\n");
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("server.prot");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.message()).contains("unknown key").contains("did you mean 'port'");
    });
    assertThat(e.getMessage()).startsWith("test.toml:3: server.prot: unknown key");
  }

  @Test
  void everyProblemIsReportedInOnePass() {
    ConfigException e = problems("""
        [server]
        port = 70000
        [timeouts]
        header = "thirty seconds"
        [limits]
        max-header-bytes = "64 parsecs"
        [concurrency]
        max-running = 4
        max-per-script = 8
        """);
    assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("server.port",
        "timeouts.header", "limits.max-header-bytes", "concurrency.max-per-script");
    assertThat(e.problems()).extracting(ConfigProblem::line).containsExactly(2, 4, 6, 9);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[retry]\\nkinds = ['body-truncated'] | retry.kinds | not a failure kind a retry can cure",
      "[diagnostics]\\nerror-mode = 'verbose' | diagnostics.error-mode | must be one of",
      "[diagnostics]\\nerror-mode = 'custom' | diagnostics.custom-page | is required",
      "[arguments]\\nallow = '([' | arguments.allow | not a regular expression",
      "[[mount]]\\nurl = '/x/' | mount[0].dir | is required",
      "[[mount]]\\ndir = 'd'\\n[[mount.handler]]\\npath = '*.bat'\\nscript-processor = 'cmd.exe /c %s' | mount[0].handler[0].script-processor | command interpreter",
      "[[mount]]\\ndir = 'd'\\n[[mount.handler]]\\npath = '*.pl'\\nscript-processor = 'perl -e%s' | mount[0].handler[0].script-processor | whole %s argument",
      "[server]\\nport = 'eighty' | server.port | must be a whole number",
      "[environment]\\npass = 3 | environment.pass | list of strings",
      "[fastcgi]\\nlisten = 'localhost' | fastcgi.listen | neither \"unix:/path\" nor \"host:port\"",
      "[fastcgi]\\nlisten = 'unix:run/x.sock' | fastcgi.listen | absolute socket path",
      "[fastcgi]\\nlisten = '127.0.0.1:9000'\\nscript-from = 'params' | fastcgi.script-from | needs allowed-roots",
      "[fastcgi]\\nscript-from = 'url' | fastcgi.script-from | neither \"mounts\" nor \"params\"",
      "[fastcgi]\\nallowed-roots = ['srv'] | fastcgi.allowed-roots | must be an absolute path",
      "[fastcgi]\\nsocket-mode = '0999' | fastcgi.socket-mode | not an octal mode",
      "[fastcgi]\\nsocket-mode = 'rw' | fastcgi.socket-mode | not an octal mode",
      "[fastcgi]\\nhttp = false | fastcgi.http | needs a FastCGI listen address",
      "[fastcgi]\\nallowed-clients = ['nginx.internal'] | fastcgi.allowed-clients | not an IP address or CIDR range",
      "[fastcgi]\\nallowed-clients = ['10.0.0.0/33'] | fastcgi.allowed-clients | prefix length outside",
      "[fastcgi]\\nlisten = 'unix:/run/a-directory-name-of-sixty-bytes-a-directory-name-of-sixty-b/another-directory-of-forty-bytes-another/fcgi.sock' | fastcgi.listen | at most 107",
  })
  void invalidValuesAreNamed(String text, String key, String message) {
    ConfigException e = problems(text.replace("\\n", "\n"));
    assertThat(e.problems()).anySatisfy(p -> {
      assertThat(p.key()).isEqualTo(key);
      assertThat(p.message()).contains(message);
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "[server]\\nport = = 3\\n | 2",
      // Inside an inline table, where no key of the table is looked up: the parser's own line.
      "[environment]\\nset = { A = '1', A = '2' }\\n\\n[admin]\\n | 2",
  })
  void syntaxErrorNamesTheLine(String text, int line) {
    ConfigException e = problems(text.replace("\\n", "\n"));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(line);
      assertThat(p.message()).startsWith("not valid TOML");
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "[server]\\nport = 8080\\nport = 8081\\n | server.port | 3 | 2",
      "[server]\\nport = 8080\\nport = 8081 | server.port | 3 | 2",
      "[server]\\nport = 8080\\nport = 8081  # again\\n\\n# the end\\n | server.port | 3 | 2",
      "[server]\\nport = 1\\nport = 2\\n  port = 3\\n | server.port | 3 | 2",
      "[server]\\nlocal-clients = [\\n  '::1/128',\\n]\\nlocal-clients = [\\n  '::1/128',\\n]\\nport = 1\\n | server.local-clients | 5 | 2",
      "[[mount]]\\nurl = '/a/'\\ndir = 'a'\\n[[mount]]\\nurl = '/b/'\\ndir = 'b'\\ndir = 'c'\\n\\n[timeouts]\\n | mount[1].dir | 7 | 6",
      "[[mount]]\\nurl = '/a/'\\ndir = 'a'\\ndir = 'b' | mount[0].dir | 4 | 3",
  })
  void aDuplicateKeyIsReportedAtItsOwnLine(String text, String key, int line, int first) {
    ConfigException e = problems(text.replace("\\n", "\n"));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(line);
      assertThat(p.key()).isEqualTo(key);
      assertThat(p.message()).isEqualTo("not valid TOML: the key is set twice in one table "
          + "(first on line " + first + ")");
    });
  }

  @Test
  void missingFileIsOneClearProblem() {
    assertThatThrownBy(() -> new ConfigLoader(dir).load(dir.resolve("absent.toml")))
        .isInstanceOf(ConfigException.class).hasMessageEndingWith("absent.toml: (file): no such file");
  }

  @Test
  void mountsAndHandlersAreRead() throws Exception {
    Files.createDirectories(dir.resolve("scripts"));
    GatewayConfig config = parse("""
        [[mount]]
        url = "/app"
        dir = "scripts"
        allowed-methods = ["get", "post"]
        [[mount.handler]]
        path = "*.pl"
        script-processor = "\\"/usr/bin/perl\\" -T %s"
        verbs = ["GET"]
        header-timeout = "5s"
        """);
    GatewayConfig.Mount mount = config.mounts().get(0);
    assertThat(mount.url()).isEqualTo("/app/");
    assertThat(mount.dir()).isEqualTo(dir.resolve("scripts"));
    assertThat(mount.allowedMethods()).containsExactly("GET", "POST");
    GatewayConfig.HandlerMapping handler = mount.handlers().get(0);
    assertThat(handler.scriptProcessor()).isEqualTo(List.of("/usr/bin/perl", "-T", "%s"));
    assertThat(handler.headerTimeout()).contains(Duration.ofSeconds(5));
    assertThat(handler.matches("HELLO.PL")).isTrue();
    assertThat(handler.matches("hello.cgi")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"512,512", "64KiB,65536", "16MiB,16777216", "1GiB,1073741824", "2KB,2048"})
  void sizesAreParsed(String text, long bytes) {
    assertThat(Units.parseBytes(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource({"250ms,PT0.25S", "30s,PT30S", "10m,PT10M", "1h,PT1H"})
  void durationsAreParsed(String text, Duration duration) {
    assertThat(Units.parseDuration(text)).isEqualTo(duration);
    assertThat(Units.parseDuration(Units.format(duration))).isEqualTo(duration);
  }
}
