package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error a client can provoke, from Jetty's parser up to a failing script, is answered by
 * the gateway's own page with its request id: the raw response is scanned for the marks of
 * Jetty's error page ({@link JettyPageScan}) and for Jetty's "Bad Message" reason.
 */
class NoJettyPageTest {

  private static final String HOST = "Host: x\r\nConnection: close\r\n";

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("""
        [limits]
        max-header-bytes = "4KiB"
        [request]
        max-body-size = "1KiB"
        """);

  record Case(String name, String request) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> errors() {
    String big = "a".repeat(40_000);
    return List.of(
        new Case("request line is garbage", "GARBAGE\r\n\r\n"),
        new Case("unknown HTTP version", "GET / HTTP/9.9\r\n" + HOST + "\r\n"),
        new Case("HTTP/1.1 without Host", "GET /responses/hello.sh HTTP/1.1\r\n\r\n"),
        new Case("header line without colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n"),
        new Case("request head over Jetty's buffer",
            "GET / HTTP/1.1\r\n" + HOST + "X-Big: " + big + "\r\n\r\n"),
        new Case("URI over Jetty's buffer", "GET /" + big + " HTTP/1.1\r\n" + HOST + "\r\n"),
        new Case("URI over the gateway's limit",
            "GET /" + "b".repeat(9000) + " HTTP/1.1\r\n" + HOST + "\r\n"),
        new Case("two different Content-Lengths", "POST /responses/hello.sh HTTP/1.1\r\n" + HOST
            + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
        new Case("Transfer-Encoding with Content-Length", "POST /responses/hello.sh HTTP/1.1\r\n"
            + HOST + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"),
        new Case("broken chunked body", "POST /processes/echo-stdin.sh HTTP/1.1\r\n" + HOST
            + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
        new Case("body over the limit", "POST /processes/echo-stdin.sh HTTP/1.1\r\n" + HOST
            + "Content-Length: 4096\r\n\r\n" + "c".repeat(4096)),
        new Case("control character in the path", "GET /responses/%00hello.sh HTTP/1.1\r\n"
            + HOST + "\r\n"),
        new Case("encoded dot segments", "GET /responses/%2e%2e/x HTTP/1.1\r\n" + HOST + "\r\n"),
        new Case("unknown method on a script", "BREW /responses/hello.sh HTTP/1.1\r\n" + HOST
            + "\r\n"),
        new Case("no such static file", "GET /no-such-file.html HTTP/1.1\r\n" + HOST + "\r\n"),
        new Case("no such admin endpoint", "GET /-/nothing HTTP/1.1\r\n" + HOST + "\r\n"),
        new Case("write to the admin endpoints", "POST /-/health HTTP/1.1\r\n" + HOST
            + "Content-Length: 0\r\n\r\n"),
        new Case("script exits before headers", "GET /before-headers/exit-before-any-output.cgi HTTP/1.1\r\n"
            + HOST + "\r\n"),
        new Case("script header line without colon", "GET /before-headers/header-without-colon.cgi HTTP/1.1\r\n"
            + HOST + "\r\n"),
        new Case("script header block over the limit",
            "GET /before-headers/many-header-lines.pl HTTP/1.1\r\n" + HOST + "\r\n"),
        new Case("script killed by a signal", "GET /before-headers/segfault.sh HTTP/1.1\r\n"
            + HOST + "\r\n"),
        new Case("missing interpreter", "GET /startup-failures/missing-interpreter.cgi HTTP/1.1\r\n" + HOST
            + "\r\n"),
        new Case("script asked for JSON", "GET /startup-failures/perl-syntax-error.pl HTTP/1.1\r\n" + HOST
            + "Accept: application/json\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theGatewayAnswersWithItsOwnPage(Case error) throws Exception {
    String response = gateway.raw(error.request(), Duration.ofSeconds(30));

    assertThat(response).as("a complete answer").startsWith("HTTP/1.1 ");
    int status = Integer.parseInt(response.substring(9, 12));
    assertThat(status).as(response).isBetween(400, 599);
    int end = response.indexOf("\r\n\r\n");
    String head = end < 0 ? response : response.substring(0, end);
    String body = end < 0 ? "" : response.substring(end + 4);
    assertThat(JettyPageScan.jettyMark(head, body)).as(response).isEmpty();
    String lower = response.toLowerCase(Locale.ROOT);
    assertThat(lower).as(response).doesNotContain("bad message");
    assertThat(lower).as(response).contains("\r\nx-request-id: ");
    assertThat(lower).as(response).contains("\r\ncontent-security-policy: default-src 'none'");
  }
}
