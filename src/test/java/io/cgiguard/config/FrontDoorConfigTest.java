package io.cgiguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The access log, trusted-proxy and h2c keys of {@code [server]}: values and refusals. */
class FrontDoorConfigTest {

  @TempDir Path dir;

  private GatewayConfig parse(String text) throws ConfigException {
    return new ConfigLoader(dir).parse("site.toml", Optional.empty(), text);
  }

  @Test
  void valuesAreRead() throws Exception {
    FrontDoor front = parse("""
        [server]
        access-log = "logs-here.log"
        access-log-format = "json"
        trusted-proxies = ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"]
        forwarded-header = "Forwarded"
        h2c = true
        """).frontDoor();
    assertThat(front.accessLog().target()).contains(dir.resolve("logs-here.log"));
    assertThat(front.accessLog().format()).isEqualTo(FrontDoor.AccessLog.Format.JSON);
    assertThat(front.trustedProxies()).hasSize(3);
    assertThat(front.forwardedHeader()).isEqualTo(FrontDoor.ForwardedHeader.FORWARDED);
    assertThat(front.h2c()).isTrue();
    assertThat(front.tls()).isEmpty();
  }

  @Test
  void xForwardedForIsTheDefaultHeader() throws Exception {
    assertThat(parse("[server]\ntrusted-proxies = [\"127.0.0.1\"]\n").frontDoor()
        .forwardedHeader()).isEqualTo(FrontDoor.ForwardedHeader.X_FORWARDED_FOR);
    assertThat(FrontDoor.defaults().forwardedHeader())
        .isEqualTo(FrontDoor.ForwardedHeader.X_FORWARDED_FOR);
  }

  @Test
  void offAndStdoutAreNotFiles() throws Exception {
    assertThat(parse("[server]\naccess-log = \"off\"\n").frontDoor().accessLog().target())
        .isEmpty();
    assertThat(parse("[server]\naccess-log = \"stdout\"\n").frontDoor().accessLog().target())
        .contains(FrontDoor.AccessLog.STDOUT);
  }

  /** A bad value, the key and line the problem names, and words of its message. */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "access-log-format = \"xml\"|server.access-log-format|must be \"combined\" or \"json\"",
      "access-log = \"/no/such/dir/access.log\"|server.access-log|does not exist",
      "trusted-proxies = [\"proxy.example\"]|server.trusted-proxies|not an IP address",
      "trusted-proxies = [\"10.0.0.0/33\"]|server.trusted-proxies|prefix length",
      "h2c = \"yes\"|server.h2c|true or false",
      "forwarded-header = \"both\"|server.forwarded-header|must be \"x-forwarded-for\" or",
  })
  void badValueIsReportedWithFileLineAndKey(String line, String key, String words) {
    ConfigException e = refused("[server]\nport = 8080\n" + line + "\n");
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo(key);
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.message()).contains(words);
    });
    assertThat(e.getMessage()).contains("site.toml:3: " + key);
  }

  @Test
  void unknownTlsKeyIsATypo() {
    ConfigException e = refused("[tls]\nport = 8443\ncertficate = \"x.pem\"\n");
    assertThat(e.problems()).extracting(ConfigProblem::key)
        .containsAll(List.of("tls.certficate", "tls.certificate"));
    assertThat(e.getMessage()).contains("did you mean 'certificate'");
  }

  private ConfigException refused(String text) {
    try {
      parse(text);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a problem:\n" + text);
  }
}
