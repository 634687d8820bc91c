package io.cgiguard.security;

import static io.cgiguard.security.SecurityGateway.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.http.RawConnection;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The script is not trusted either: its header block and body are checked, so that it can split
 * no response, send no interim status and smuggle nothing into the next response.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResponseAttackTest {

  static SecurityGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = SecurityGateway.start("", "");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  static String head(String answer) {
    int end = answer.indexOf("\r\n\r\n");
    return end < 0 ? answer : answer.substring(0, end);
  }

  /** Apache CVE-2024-24795: a CR inside a script's header value split the response. */
  @Test
  void apacheCve2024_24795HeaderSplittingIsMalformedHeaders() throws Exception {
    String answer = gateway.get("/security/split-header.sh");
    assertThat(status(answer)).isEqualTo(502);
    assertThat(head(answer)).doesNotContainIgnoringCase("Set-Cookie");
    assertThat(answer).contains("malformed-headers");
  }

  /** Apache CVE-2022-37436: an over-long header truncated the head, the rest became body. */
  @Test
  void apacheCve2022_37436OverlongHeaderIsRefusedNotTruncated() throws Exception {
    String answer = gateway.get("/before-headers/long-header-line.sh");
    assertThat(status(answer)).isEqualTo(502);
    // The diagnostic page may quote the script's output (escaped); the head must carry none of it.
    assertThat(head(answer)).contains("X-Cgiguard-Failure: headers-too-large")
        .doesNotContain("X-After").doesNotContain("X-Long");
  }

  /** A script may never send an interim or protocol-switching status. */
  @Test
  void status101FromAScriptIsMalformedHeaders() throws Exception {
    String answer = gateway.get("/security/status-101.sh");
    assertThat(status(answer)).isEqualTo(502);
    assertThat(head(answer)).doesNotContainIgnoringCase("Upgrade: websocket");
  }

  /** Go CVE-2020-24553: no Content-Type let the browser sniff HTML. */
  @Test
  void goCve2020_24553MissingContentTypeGetsSafeDefaultAndNosniff() throws Exception {
    String answer = gateway.get("/responses/no-content-type.sh");
    assertThat(status(answer)).isEqualTo(200);
    assertThat(head(answer)).containsIgnoringCase("Content-Type: application/octet-stream")
        .containsIgnoringCase("X-Content-Type-Options: nosniff")
        .doesNotContainIgnoringCase("text/html");
  }

  @Test
  void hopByHopHeadersFromTheScriptAreDropped() throws Exception {
    String answer = gateway.get("/security/hop-by-hop.sh");
    assertThat(status(answer)).isEqualTo(200);
    assertThat(head(answer)).doesNotContainIgnoringCase("Connection: upgrade")
        .doesNotContainIgnoringCase("Keep-Alive").doesNotContainIgnoringCase("Upgrade:");
    assertThat(answer).endsWith("\r\n\r\nplain\n");
  }

  /**
   * A script that frames its own body as chunked: relayed, its chunk sizes would be body bytes
   * to the client, and framing to a proxy that trusted them. Apache httpd answers 502 too.
   */
  @Test
  void aScriptsOwnTransferEncodingIsMalformedHeaders() throws Exception {
    String answer = gateway.get("/security/own-chunked-framing.sh");
    assertThat(status(answer)).isEqualTo(502);
    assertThat(head(answer)).contains("X-Cgiguard-Failure: malformed-headers")
        .doesNotContainIgnoringCase("Transfer-Encoding");
    // The page keeps the script's head to the log (HeaderBlockReaderTest has the reason).
    assertThat(answer).doesNotContain("hello");
  }

  /** A body shorter than the script's Content-Length: the connection is closed, not padded. */
  @Test
  void shortBodyIsTruncatedAndTheConnectionClosed() throws Exception {
    long started = System.nanoTime();
    String answer = gateway.raw("GET /after-headers/truncated-body.cgi HTTP/1.1\r\nHost: x\r\n\r\n");
    // raw() returns once the server closes: a keep-alive connection left open would time out.
    assertThat(System.nanoTime() - started).isLessThan(SecurityGateway.WAIT.toNanos() / 2);
    int bodyStart = answer.indexOf("\r\n\r\n") + 4;
    assertThat(answer.length() - bodyStart).isLessThan(100);
  }

  /** A body longer than Content-Length never reaches the next response on the connection. */
  @Test
  void overlongBodyCannotSmuggleAResponseOntoTheKeepAliveConnection() throws Exception {
    String two = "GET /security/long-body.sh HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET /responses/hello.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    String answer = gateway.raw(two);
    assertThat(answer).doesNotContain("X-Smuggled").doesNotContain("smuggled");
    // Exactly the declared five bytes of the first body arrive, nothing of the excess (whether
    // the connection then closes depends on whether the excess came in the same read).
    assertThat(answer).contains("Content-Length: 5\r\n").contains("\r\n\r\nhello");
  }

  /** Content-Length together with Transfer-Encoding is the classic smuggling shape. */
  @Test
  void contentLengthWithTransferEncodingIsRejected() throws Exception {
    String answer = gateway.raw("POST /security/argv.sh HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "0\r\n\r\nGET /security/argv.sh HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(status(answer)).isEqualTo(400);
    assertThat(gateway.marked("argv")).isFalse();
  }

  /** RFC 9112 section 6.1: a transfer coding the gateway cannot undo is refused, not passed on. */
  @Test
  void aTransferCodingOtherThanChunkedIs501AndRunsNothing() throws Exception {
    gateway.forgetMarkers();
    for (String coding : new String[] {"gzip, chunked", "x-custom, chunked"}) {
      String answer = gateway.raw("POST /security/argv.sh HTTP/1.1\r\nHost: x\r\n"
          + "Transfer-Encoding: " + coding + "\r\nConnection: close\r\n\r\n"
          + "3\r\nabc\r\n0\r\n\r\n");
      assertThat(status(answer)).as(coding).isEqualTo(501);
    }
    assertThat(gateway.marked("argv")).isFalse();
  }

  /**
   * A redirect target outside what the gateway serves is never read from disk; it is the
   * script's failure, named like any other (not Jetty's 500 with a stack trace in the log).
   */
  @Test
  void localRedirectCannotReadAnArbitraryFile() throws Exception {
    String answer = gateway.get("/security/redirect-file.sh");
    assertThat(answer).doesNotContain("root:x:0:0");
    assertThat(status(answer)).isEqualTo(502);
    assertThat(answer).contains("X-Cgiguard-Failure: malformed-headers");
  }

  /** Local redirect targets that cannot be parsed or decoded are the script's failure too. */
  @Test
  void localRedirectToAnUndecodablePathIsTheScriptsFailure() throws Exception {
    for (String target : new String[] {"/%zz", "/%2e%2e/%2e%2e/etc/passwd", "/index.html%00",
        "/a%2fb"}) {
      String answer = gateway.get("/security/redirect-to-query.sh?" + target);
      assertThat(status(answer)).as(target).isEqualTo(502);
      assertThat(answer).as(target).contains("X-Cgiguard-Failure: malformed-headers")
          .doesNotContain("root:x:0:0");
    }
    String served = gateway.get("/security/redirect-to-query.sh?/index.html");
    assertThat(status(served)).as("a target that can be served still is").isEqualTo(200);
  }

  /** Apache CVE-2014-0231: a script that never reads a large body must not hang the worker. */
  @Test
  void apacheCve2014_0231ScriptIgnoringStdinDoesNotHang() throws Exception {
    byte[] body = new byte[4 * 1024 * 1024];
    try (RawConnection connection = RawConnection.open(gateway.gateway.port(),
        Duration.ofSeconds(20))) {
      connection.send("POST /responses/hello.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n");
      Thread writer = new Thread(() -> {
        try {
          connection.output().write(body);
        } catch (java.io.IOException e) {
          // The gateway may close early once the script answered: that is acceptable.
        }
      });
      writer.setDaemon(true);
      writer.start();
      String answer;
      try {
        answer = connection.readToClose();
      } catch (SocketTimeoutException | java.net.SocketException e) {
        answer = connection.received(); // what arrived is judged below
      }
      assertThat(status(answer)).isEqualTo(200);
      assertThat(answer).contains("hello");
    }
  }
}
