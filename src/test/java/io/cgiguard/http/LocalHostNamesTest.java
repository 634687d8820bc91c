package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DNS rebinding: a page in a browser on the gateway's own machine re-points its name at 127.0.0.1
 * and reads what the gateway shows local clients. The browser still sends that name as
 * {@code Host}, so a local client counts as local only under an IP address, {@code localhost}, a
 * {@code .localhost} name or a name in {@code [server] local-host-names}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalHostNamesTest {

  private static final List<String> ADMIN =
      List.of("/-/", "/-/status", "/-/status.json", "/-/metrics", "/-/health", "/-/dashboard.json");

  @Test
  void adminEndpointsRefuseAHostThatCouldBeRepointed() throws Exception {
    try (TestGateway gateway = TestGateway.start("")) {
      for (String path : ADMIN) {
        String refused = get(gateway, path, "rebind.example:" + gateway.port());
        assertThat(refused).as(path).startsWith("HTTP/1.1 403 ")
            .contains("[server] local-host-names").doesNotContain("cgiguard_scripts_running");
      }
      for (String host : List.of("127.0.0.1:" + gateway.port(), "localhost:" + gateway.port(),
          "LocalHost.", "[::1]:" + gateway.port(), "app.localhost", "127.0.0.1")) {
        assertThat(get(gateway, "/-/status.json", host)).as(host).startsWith("HTTP/1.1 200 ");
      }
    }
  }

  @Test
  void aNamedHostIsLocalOnceConfigured() throws Exception {
    try (TestGateway gateway = TestGateway.start(
        "local-host-names = [\"gw.example\", \"Intranet.Example.\"]", "")) {
      assertThat(get(gateway, "/-/metrics", "GW.example:" + gateway.port()))
          .startsWith("HTTP/1.1 200 ").contains("cgiguard_scripts_running");
      assertThat(get(gateway, "/-/metrics", "intranet.example"))
          .startsWith("HTTP/1.1 200 ");
      assertThat(get(gateway, "/-/metrics", "other.example")).startsWith("HTTP/1.1 403 ");
    }
  }

  @Test
  void anyHostWithTheWildcard() throws Exception {
    try (TestGateway gateway = TestGateway.start("local-host-names = [\"*\"]", "")) {
      assertThat(get(gateway, "/-/status.json", "rebind.example")).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aFailuresEvidenceIsNotShownUnderARepointableHost() throws Exception {
    try (TestGateway gateway = TestGateway.start("")) {
      String path = "/startup-failures/perl-syntax-error.pl";
      String local = get(gateway, path, "localhost");
      assertThat(local).startsWith("HTTP/1.1 502 ").contains("syntax error");
      String rebound = get(gateway, path, "rebind.example");
      assertThat(rebound).startsWith("HTTP/1.1 502 ")
          .contains("X-Cgiguard-Failure: exited-before-headers").doesNotContain("syntax error");
    }
  }

  @Test
  void remoteClientsAreRefusedWhateverTheHost() throws Exception {
    try (TestGateway gateway = TestGateway.start(
        PrematureTerminationTest.REMOTE + "\nlocal-host-names = [\"*\"]", "")) {
      assertThat(get(gateway, "/-/status.json", "127.0.0.1")).startsWith("HTTP/1.1 403 ")
          .contains("loopback clients only");
    }
  }

  private static String get(TestGateway gateway, String path, String host) throws Exception {
    return gateway.raw("GET " + path + " HTTP/1.1\r\nHost: " + host
        + "\r\nConnection: close\r\n\r\n", Duration.ofSeconds(30));
  }
}
