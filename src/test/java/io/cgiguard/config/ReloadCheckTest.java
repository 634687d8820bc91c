package io.cgiguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which changed keys a reload applies and which wait for a restart, as the file spells them. */
class ReloadCheckTest {

  // Each row holds a file whose lines are separated by "; ".

  private static final ConfigLoader LOADER = new ConfigLoader(Path.of("/srv/site"));

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "[server]; port = 9090 | server.port: 8080 -> 9090",
      "[server]; bind = \"0.0.0.0\" | server.bind: \"127.0.0.1\" -> \"0.0.0.0\"",
      "[server]; run-as = \"www-data\" | server.run-as: \"nobody\" -> \"www-data\"",
      "[server]; idle-timeout = \"90s\" | server.idle-timeout: 30s -> 90s",
      "[server]; header-read-timeout = \"2500ms\" | server.header-read-timeout: 10s -> 2500ms",
      "[request]; max-header-bytes = \"32KiB\" | request.max-header-bytes: 16384 -> 32768",
      "[concurrency]; queue = 10 | concurrency.queue: 256 -> 10",
      "[circuit]; open-for = \"1m\" | circuit.open-for: 10s -> 60s",
      "[server]; h2c = true | server.h2c: false -> true",
      "[server]; trusted-proxies = [\"10.0.0.1\"] | server.trusted-proxies: changed",
      "[server]; access-log = \"off\" | server.access-log: changed",
      "[server]; access-log-format = \"json\" | server.access-log-format: changed",
      "[limits]; max-header-bytes = \"128KiB\" | limits.max-header-bytes: 65536 -> 131072",
  })
  void aKeyOnlyARestartAppliesIsReported(String toml, String expected) throws Exception {
    GatewayConfig running = LOADER.defaults();
    GatewayConfig next = LOADER.parse("next.toml", Optional.empty(), toml.replace("; ", "\n"));

    assertThat(ReloadCheck.restartNeeded(running, next)).containsExactly(expected);
  }

  @Test
  void theAccessLogsTargetAndFormatAreNamedApart() throws Exception {
    GatewayConfig running = LOADER.defaults();
    GatewayConfig next = LOADER.parse("next.toml", Optional.empty(),
        "[server]\naccess-log = \"off\"\naccess-log-format = \"json\"\n");

    assertThat(ReloadCheck.restartNeeded(running, next)).containsExactly(
        "server.access-log: changed", "server.access-log-format: changed");
  }

  @Test
  void aChangeInsideTlsIsNamedByItsKey() throws Exception {
    // As on a reload, the key material is not opened: these files need not exist.
    ConfigLoader loader = new ConfigLoader(Path.of("/srv/site"), false);
    GatewayConfig running = loader.parse("running.toml", Optional.empty(),
        "[tls]\ncertificate = \"site.p12\"\npassword = \"old\"\n");
    GatewayConfig next = loader.parse("next.toml", Optional.empty(),
        "[tls]\nport = 9443\ncertificate = \"site.p12\"\npassword = \"new\"\n");

    assertThat(ReloadCheck.restartNeeded(running, next)).containsExactly(
        "tls.port: 8443 -> 9443", "tls.password: changed");
    assertThat(ReloadCheck.restartNeeded(loader.defaults(), running))
        .containsExactly("tls: changed");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "[server]; docroot = \"public\"",
      "[server]; local-clients = [\"10.0.0.0/8\"]",
      "[server]; drain-delay = \"20s\"",
      "[[mount]]; url = \"/app/\"; dir = \"app\"",
      "[timeouts]; header = \"5s\"",
      "[limits]; cpu = \"5s\"",
      "[request]; max-url-length = 2048",
      "[concurrency]; queue-wait = \"1s\"",
      "[retry]; attempts = 1",
      "[admin]; allow-remote = true",
      "[static]; refuse-executable = false",
      "[static]; refuse-extensions = [\".pl\"]",
      "[iis-compat]; enabled = true; site-id = 3",
  })
  void aKeyAReloadAppliesIsNotReported(String toml) throws Exception {
    GatewayConfig running = LOADER.defaults();
    GatewayConfig next = LOADER.parse("next.toml", Optional.empty(), toml.replace("; ", "\n"));

    assertThat(next).isNotEqualTo(running);
    assertThat(ReloadCheck.restartNeeded(running, next)).isEmpty();
  }
}
