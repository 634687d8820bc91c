package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code [server] trusted-proxies} end to end: a real gateway, a real script that prints its
 * environment, and requests that carry forwarding headers from a trusted or an untrusted peer.
 * The client here is always 127.0.0.1; the gateways differ in whom they trust, and in which
 * forwarding headers they read ({@code forwarded-header}).
 */
@Timeout(120)
class TrustedProxiesTest {

  private static TestGateway trustsLoopback;
  private static TestGateway trustsLoopbackForwarded;
  private static TestGateway trustsOthers;
  private static TestGateway trustsNobody;

  @BeforeAll
  static void start() throws Exception {
    trustsLoopback = TestGateway.start("trusted-proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]", "");
    trustsLoopbackForwarded = TestGateway.start(
        "trusted-proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\nforwarded-header = \"forwarded\"", "");
    trustsOthers = TestGateway.start("trusted-proxies = [\"10.0.0.0/8\", \"192.0.2.1\"]", "");
    trustsNobody = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    trustsLoopback.close();
    trustsLoopbackForwarded.close();
    trustsOthers.close();
    trustsNobody.close();
  }

  /** Headers separated by |, each as Name=Value; the expected REMOTE_ADDR. */
  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = ';', value = {
      "X-Forwarded-For=203.0.113.7; 203.0.113.7",
      // The leftmost entry is whatever the client wrote: it never wins over the real hop.
      "X-Forwarded-For=198.51.100.9, 203.0.113.7; 203.0.113.7",
      // Trusted hops (10.0.0.0/8) are walked past, from the right.
      "X-Forwarded-For=203.0.113.7, 10.1.2.3, 10.9.9.9; 203.0.113.7",
      "X-Forwarded-For=203.0.113.7|X-Forwarded-For=10.1.2.3; 203.0.113.7",
      // Every hop trusted: the leftmost is the client.
      "X-Forwarded-For=10.7.7.7, 10.1.2.3; 10.7.7.7",
      // A hop that is not an address ends the walk at the last trusted one.
      "X-Forwarded-For=203.0.113.7, unknown, 10.1.2.3; 10.1.2.3",
      "X-Forwarded-For=unknown; 127.0.0.1",
      "X-Forwarded-For=example.org; 127.0.0.1",
      // A Forwarded header is not what this gateway's proxies write: a client wrote it.
      "Forwarded=for=203.0.113.7; 127.0.0.1",
      "Forwarded=for=203.0.113.7|X-Forwarded-For=198.51.100.9; 198.51.100.9",
  })
  void trustedPeerMaySetTheClientAddress(String headers, String remoteAddr) throws Exception {
    assertThat(env(trustsLoopback, headers)).containsEntry("REMOTE_ADDR", remoteAddr);
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = ';', value = {
      "Forwarded=for=203.0.113.7; 203.0.113.7",
      "Forwarded=for=\"[2001:db8::1]:4711\"; 2001:db8::1",
      "Forwarded=for=198.51.100.9, for=203.0.113.7; 203.0.113.7",
      "Forwarded=for=203.0.113.7, for=10.1.2.3; 203.0.113.7",
      "Forwarded=for=_hidden; 127.0.0.1",
      // X-Forwarded-For is not what this gateway's proxies write.
      "X-Forwarded-For=203.0.113.7; 127.0.0.1",
      "Forwarded=for=203.0.113.7|X-Forwarded-For=198.51.100.9; 203.0.113.7",
  })
  void trustedPeerWritingForwardedMaySetTheClientAddress(String headers, String remoteAddr)
      throws Exception {
    assertThat(env(trustsLoopbackForwarded, headers)).containsEntry("REMOTE_ADDR", remoteAddr);
  }

  /**
   * The attack the header choice closes: nginx appends the client to X-Forwarded-For and passes
   * the client's own {@code Forwarded} on untouched. Reading that would make a remote client
   * local, with the admin endpoints and detailed pages that go with it.
   */
  @Test
  void aClientsOwnForwardedHeaderDoesNotMakeItLocal() throws Exception {
    String[] spoof = {"X-Forwarded-For", "203.0.113.7", "Forwarded", "for=127.0.0.1"};
    assertThat(trustsLoopback.get("/-/status.json", spoof).statusCode()).isEqualTo(403);
    assertThat(trustsLoopback.get("/-/status.json", "X-Forwarded-For", "203.0.113.7")
        .statusCode()).isEqualTo(403);
    assertThat(trustsLoopback.get("/-/status.json").statusCode()).isEqualTo(200);

    String[] other = {"Forwarded", "for=203.0.113.7", "X-Forwarded-For", "127.0.0.1"};
    assertThat(trustsLoopbackForwarded.get("/-/status.json", other).statusCode())
        .isEqualTo(403);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = ';', value = {
      "X-Forwarded-For=203.0.113.7",
      "X-Forwarded-For=10.1.2.3",
      "Forwarded=for=203.0.113.7;proto=https;host=example.org",
      "X-Forwarded-Proto=https|X-Forwarded-Host=example.org|X-Forwarded-Port=443",
  })
  void untrustedPeerChangesNothing(String headers) throws Exception {
    for (TestGateway gateway : List.of(trustsNobody, trustsOthers)) {
      Map<String, String> env = env(gateway, headers);
      assertThat(env).containsEntry("REMOTE_ADDR", "127.0.0.1")
          .containsEntry("SERVER_NAME", "127.0.0.1")
          .containsEntry("SERVER_PORT", Integer.toString(gateway.port()))
          .doesNotContainKey("HTTPS");
    }
  }

  @Test
  void trustedPeerMaySetSchemeHostAndPort() throws Exception {
    Map<String, String> env = env(trustsLoopback,
        "X-Forwarded-For=203.0.113.7|X-Forwarded-Proto=https|X-Forwarded-Host=example.org");
    assertThat(env).containsEntry("HTTPS", "on").containsEntry("SERVER_NAME", "example.org")
        .containsEntry("SERVER_PORT", "443").containsEntry("REMOTE_ADDR", "203.0.113.7");

    env = env(trustsLoopback, "X-Forwarded-Proto=http|X-Forwarded-Host=example.org:8081");
    assertThat(env).doesNotContainKey("HTTPS").containsEntry("SERVER_NAME", "example.org")
        .containsEntry("SERVER_PORT", "8081").containsEntry("REMOTE_ADDR", "127.0.0.1");

    env = env(trustsLoopback, "X-Forwarded-Proto=https|X-Forwarded-Port=8443");
    assertThat(env).containsEntry("HTTPS", "on").containsEntry("SERVER_PORT", "8443");

    env = env(trustsLoopbackForwarded,
        "Forwarded=for=203.0.113.7;proto=https;host=\"example.org:9443\"");
    assertThat(env).containsEntry("HTTPS", "on").containsEntry("SERVER_NAME", "example.org")
        .containsEntry("SERVER_PORT", "9443");

    // Each gateway reads only its own kind: the other kind's scheme and host change nothing.
    env = env(trustsLoopback, "Forwarded=for=203.0.113.7;proto=https;host=example.org");
    assertThat(env).doesNotContainKey("HTTPS").containsEntry("SERVER_NAME", "127.0.0.1");
    env = env(trustsLoopbackForwarded, "X-Forwarded-Proto=https|X-Forwarded-Host=example.org");
    assertThat(env).doesNotContainKey("HTTPS").containsEntry("SERVER_NAME", "127.0.0.1");
  }

  /** A trusted proxy's X-Request-Id is kept, so one id follows the request; a client's is not. */
  @Test
  void onlyATrustedProxysRequestIdIsKept() throws Exception {
    assertThat(trustsLoopback.get("/responses/hello.sh", "X-Request-Id", "front-42").headers()
        .firstValue("X-Request-Id")).hasValue("front-42");
    assertThat(trustsNobody.get("/responses/hello.sh", "X-Request-Id", "front-42").headers()
        .firstValue("X-Request-Id")).isPresent().get().isNotEqualTo("front-42");
  }

  @Test
  void schemeAndHostComeFromTheClientsHopNotTheLeftmost() throws Exception {
    // The client wrote "http" and a host of its own; the trusted proxy appended what it saw.
    Map<String, String> env = env(trustsLoopback, "X-Forwarded-For=198.51.100.9, 203.0.113.7"
        + "|X-Forwarded-Proto=http, https|X-Forwarded-Host=evil.example, example.org");
    assertThat(env).containsEntry("REMOTE_ADDR", "203.0.113.7").containsEntry("HTTPS", "on")
        .containsEntry("SERVER_NAME", "example.org");
  }

  @Test
  void hostileValuesAreIgnored() throws Exception {
    Map<String, String> env = env(trustsLoopback,
        "X-Forwarded-Host=exa mple.org/<x>|X-Forwarded-Port=99999|X-Forwarded-Proto=gopher");
    assertThat(env).containsEntry("SERVER_NAME", "127.0.0.1")
        .containsEntry("SERVER_PORT", Integer.toString(trustsLoopback.port()))
        .doesNotContainKey("HTTPS");
  }

  private static Map<String, String> env(TestGateway gateway, String headers) throws Exception {
    List<String> pairs = new ArrayList<>();
    for (String header : headers.split("\\|")) {
      int eq = header.indexOf('=');
      pairs.add(header.substring(0, eq).trim());
      pairs.add(header.substring(eq + 1).trim());
    }
    HttpResponse<String> response = gateway.get("/responses/env.pl", pairs.toArray(new String[0]));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : response.body().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }
}
