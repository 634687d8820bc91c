package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.load.CannedServer.Canned;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real HTTP against stub servers that answer with each foreign failure signature. */
@Timeout(60)
class ForeignSignaturesTest {

  private static final int REQUESTS = 6;
  private static CannedServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new CannedServer(Map.of(
        "/iis6", Canned.of(502, ForeignPages.IIS6_CGI_ERROR),
        "/iis7", Canned.of(502, ForeignPages.IIS7_BAD_GATEWAY),
        "/apache", Canned.of(500, ForeignPages.APACHE_500),
        "/nginx", Canned.of(502, ForeignPages.NGINX_502),
        "/nginx-timeout", Canned.of(504, ForeignPages.NGINX_504),
        "/gateway", new Canned(502, Map.of("X-Cgiguard-Failure", "killed-before-headers"),
            "<p>died</p>", false),
        "/teapot", Canned.of(418, "short and stout")));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static Stream<Arguments> pages() {
    return Stream.of(
        Arguments.of("/iis6", "iis-cgi-error"),
        Arguments.of("/iis7", "iis-cgi-error"),
        Arguments.of("/apache", "apache-internal-error"),
        Arguments.of("/nginx", "nginx-bad-gateway"),
        Arguments.of("/nginx-timeout", "nginx-gateway-timeout"),
        Arguments.of("/gateway", "cgiguard-killed-before-headers"),
        Arguments.of("/teapot", "http-418"));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("pages")
  void namesEachFailurePage(String path, String category) throws Exception {
    LoadResult result = new LoadRun(LoadPlans.requests(server.url(path), 2, REQUESTS)).run();

    assertThat(result.requests()).isEqualTo(REQUESTS);
    assertThat(result.failures()).containsExactly(Map.entry(category, (long) REQUESTS));
  }

  @Test
  void closingWithoutAByteIsAnEmptyReply() throws Exception {
    try (RawServer raw = new RawServer((out, in) -> false)) {
      assertThat(run(raw, Duration.ofSeconds(5)).failures())
          .containsExactly(Map.entry("empty-reply", (long) REQUESTS));
    }
  }

  @Test
  void closingBeforeContentLengthIsATruncatedBody() throws Exception {
    try (RawServer raw = new RawServer((out, in) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part");
      return false;
    })) {
      assertThat(run(raw, Duration.ofSeconds(5)).failures())
          .containsExactly(Map.entry("truncated-body", (long) REQUESTS));
    }
  }

  @Test
  void closingBeforeTheLastChunkIsATruncatedBody() throws Exception {
    try (RawServer raw = new RawServer((out, in) -> {
      write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
      return false;
    })) {
      assertThat(run(raw, Duration.ofSeconds(5)).failures())
          .containsExactly(Map.entry("truncated-body", (long) REQUESTS));
    }
  }

  @Test
  void noAnswerWithinTheTimeoutIsATimeout() throws Exception {
    try (RawServer raw = new RawServer(RawServer::neverAnswer)) {
      LoadResult result = run(raw, Duration.ofMillis(200));

      assertThat(result.failures()).containsExactly(Map.entry("timeout", (long) REQUESTS));
      assertThat(result.latencyMillisAt(50)).isGreaterThanOrEqualTo(190);
    }
  }

  @Test
  void aBodyStalledPastTheTimeoutIsATimeoutNotATruncation() throws Exception {
    try (RawServer raw = new RawServer((out, in) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst bytes");
      out.flush();
      return RawServer.neverAnswer(out, in);
    })) {
      LoadResult result = run(raw, Duration.ofMillis(200));

      assertThat(result.failures()).containsExactly(Map.entry("timeout", (long) REQUESTS));
      assertThat(result.maxLatencyMillis()).isLessThan(2000);
    }
  }

  @Test
  void bytesThatAreNotHttpAreAMalformedResponse() throws Exception {
    try (RawServer raw = new RawServer((out, in) -> {
      write(out, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
      return false;
    })) {
      assertThat(run(raw, Duration.ofSeconds(5)).failures())
          .containsExactly(Map.entry("malformed-response", (long) REQUESTS));
    }
  }

  @Test
  void aClosedPortIsAConnectError() throws Exception {
    String url;
    try (RawServer raw = new RawServer((out, in) -> false)) {
      url = raw.url();
    }
    LoadResult result = new LoadRun(LoadPlans.requests(url, 1, REQUESTS)).run();

    assertThat(result.failures()).containsExactly(Map.entry("connect-error", (long) REQUESTS));
  }

  private static LoadResult run(RawServer raw, Duration timeout) throws Exception {
    return new LoadRun(
        LoadPlans.requests(raw.url(), 2, REQUESTS, timeout, Expectations.ANY)).run();
  }

  private static void write(OutputStream out, String text) throws java.io.IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
