package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RFC 3875 end to end: real server on port 0, real HTTP, real scripts from test-scripts/. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayProtocolTest {

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("");

  static Map<String, String> env(String body) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }

  @Test
  void metaVariablesDescribeTheRequest() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/env.pl/extra/p%20ath?a=1&b=%20x",
        "X-Custom", "one", "User-Agent", "tester");
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, String> env = env(response.body());
    assertThat(env).containsEntry("GATEWAY_INTERFACE", "CGI/1.1")
        .containsEntry("REQUEST_METHOD", "GET")
        .containsEntry("SCRIPT_NAME", "/responses/env.pl")
        .containsEntry("PATH_INFO", "/extra/p ath")
        .containsEntry("QUERY_STRING", "a=1&b=%20x")
        .containsEntry("REQUEST_URI", "/responses/env.pl/extra/p%20ath?a=1&b=%20x")
        .containsEntry("SERVER_PROTOCOL", "HTTP/1.1")
        .containsEntry("SERVER_PORT", Integer.toString(gateway.port()))
        .containsEntry("REMOTE_ADDR", "127.0.0.1")
        .containsEntry("HTTP_X_CUSTOM", "one")
        .containsEntry("HTTP_USER_AGENT", "tester")
        .containsEntry("SCRIPT_FILENAME", TestScripts.path("responses/env.pl").toString())
        .containsEntry("CWD", TestScripts.path("responses").toString())
        .containsKeys("SERVER_NAME", "SERVER_SOFTWARE", "REMOTE_PORT", "DOCUMENT_ROOT",
            "PATH_TRANSLATED");
    assertThat(env).doesNotContainKeys("HTTPS", "HOME", "USER", "JAVA_HOME");
    assertThat(env.get("PATH_TRANSLATED")).endsWith("/extra/p ath");
  }

  @Test
  void repeatedRequestHeadersAreCombined() throws Exception {
    String answer = gateway.raw("GET /responses/env.pl HTTP/1.1\r\nHost: x\r\nX-Multi: a\r\n"
        + "X-Multi: b\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10));
    assertThat(answer).contains("HTTP_X_MULTI=a, b");
  }

  @Test
  void requestWithoutBodyHasNoContentLength() throws Exception {
    String answer = gateway.raw("GET /responses/env.pl HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n", Duration.ofSeconds(10));
    assertThat(answer).contains("REQUEST_METHOD=GET").doesNotContain("CONTENT_LENGTH=");
  }

  @Test
  void anEmptyContentTypeSetsNoContentType() throws Exception {
    String answer = gateway.raw("POST /responses/env.pl HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type:\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab",
        Duration.ofSeconds(10));
    assertThat(answer).contains("REQUEST_METHOD=POST").contains("CONTENT_LENGTH=2")
        .doesNotContain("CONTENT_TYPE=");
  }

  @Test
  void proxyHeaderNeverBecomesHttpProxy() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/env.pl", "Proxy", "http://evil:1");
    assertThat(env(response.body())).doesNotContainKey("HTTP_PROXY");
  }

  @Test
  void documentWithCustomStatusAndReasonPhrase() throws Exception {
    String answer = gateway.raw("GET /responses/status.sh HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n", Duration.ofSeconds(10));
    assertThat(answer).startsWith("HTTP/1.1 299 Custom Reason Here\r\n");
    assertThat(answer).contains("custom status");
  }

  /** RFC 3875 section 4.1.5 and Apache: PATH_INFO is the rest of the path, trailing / and all. */
  @Test
  void pathInfoKeepsTheRequestsTrailingSlash() throws Exception {
    Map<String, String> env = env(gateway.get("/responses/env.pl/a/b/").body());
    assertThat(env).containsEntry("PATH_INFO", "/a/b/");
    assertThat(env.get("PATH_TRANSLATED")).endsWith("/a/b/");
    assertThat(env(gateway.get("/responses/env.pl/").body())).containsEntry("PATH_INFO", "/");
    assertThat(env(gateway.get("/responses/env.pl").body())).containsEntry("PATH_INFO", "");
  }

  /**
   * A 204 has no body (RFC 9110 section 15.3.5): the script's Content-Length and bytes stay
   * behind, and the connection stays usable for the next request.
   */
  @Test
  void noContentDropsTheScriptsLengthAndBytes() throws Exception {
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(10))) {
      String answer = connection.send("GET /responses/no-content-with-length.sh HTTP/1.1\r\n"
          + "Host: x\r\n\r\nGET /responses/hello.sh HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n").readToClose();
      String first = answer.substring(0, answer.indexOf("HTTP/1.1 200"));
      assertThat(first).startsWith("HTTP/1.1 204 ");
      assertThat(first.toLowerCase(Locale.ROOT)).doesNotContain("content-length")
          .doesNotContain("content-type").doesNotContain("hello");
      assertThat(answer.substring(first.length())).startsWith("HTTP/1.1 200 ")
          .endsWith("hello\n");
    }
  }

  /** OPTIONS * asks about the server, not a path: the methods it serves, not a 400. */
  @Test
  void optionsAsteriskIsAnsweredForTheServer() throws Exception {
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(10))) {
      String answer = connection.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readToClose();
      assertThat(answer).startsWith("HTTP/1.1 200 ").contains("Allow: GET, HEAD, POST, OPTIONS")
          .contains("Content-Length: 0\r\n");
      assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).as("then GET *")
          .startsWith("HTTP/1.1 400 ");
    }
  }

  /**
   * A 304 keeps the script's validator, gets no made-up Content-Type, and is no failure. Nor does
   * it get a Content-Length of 0: a cache would take that for the length of the representation it
   * holds (RFC 9110 section 8.6 allows one only when it is that length). The connection then
   * serves the next request.
   */
  @Test
  void notModifiedIsRelayedWithoutABodyOrADefaultType() throws Exception {
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(10))) {
      String answer = connection.send("GET /responses/not-modified.sh HTTP/1.1\r\nHost: x\r\n"
          + "\r\nGET /responses/hello.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .readToClose();
      String first = answer.substring(0, answer.indexOf("HTTP/1.1 200"));
      assertThat(first).startsWith("HTTP/1.1 304 ").contains("ETag: \"v1\"")
          .doesNotContain(GatewayPages.FAILURE).endsWith("\r\n\r\n");
      assertThat(first.toLowerCase(Locale.ROOT)).doesNotContain("content-type")
          .doesNotContain("nosniff").doesNotContain("content-length")
          .doesNotContain("transfer-encoding");
      assertThat(answer.substring(first.length())).startsWith("HTTP/1.1 200 ")
          .endsWith("hello\n");
    }
  }

  /** The script's reason phrase belongs to its answer, never to the gateway's own page. */
  @Test
  void theGatewaysOwnPageHasTheStandardReasonPhrase() throws Exception {
    String answer = gateway.raw("GET /responses/reason-then-short-body.sh HTTP/1.1\r\n"
        + "Host: x\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10));
    assertThat(answer).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
        .contains(GatewayPages.FAILURE + ": body-truncated")
        .doesNotContain("Everything Is Fine");
  }

  /**
   * HEAD: no body, and no Content-Length the GET would not have (RFC 9110 section 8.6): the
   * script gave none, so the answer gives none either, where ending it at once made it 0.
   */
  @Test
  void headOfAScriptWithoutLengthDeclaresNoLength() throws Exception {
    String answer = gateway.raw("HEAD /responses/hello.sh HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n", Duration.ofSeconds(10));
    assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n");
    assertThat(answer.toLowerCase(Locale.ROOT)).doesNotContain("content-length")
        .contains("content-type: text/plain");
  }

  /** A Content-Length of 0 with a stray byte after it: the script's own head, the byte cut. */
  @Test
  void bytesPastAZeroLengthAreCutNotTurnedIntoAnError() throws Exception {
    String answer = gateway.raw("GET /responses/zero-length-then-bytes.sh HTTP/1.1\r\n"
        + "Host: x\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10));
    assertThat(answer).startsWith("HTTP/1.1 302 ")
        .contains("Location: http://example.org/elsewhere").contains("Content-Length: 0").endsWith("\r\n\r\n")
        .doesNotContain(GatewayPages.FAILURE);
  }

  /** Status 200 with a Location is a document, and an untyped one is never sniffed as HTML. */
  @Test
  void aDocumentWithALocationStillGetsTheSafeDefaultType() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/location-with-ok-status.sh");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).doesNotContain("html"));
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  /** What a script's Connection names is dropped with it; singleton fields go out once. */
  @Test
  void connectionOptionsAreDroppedAndSingletonFieldsSentOnce() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/connection-options.sh");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().map()).doesNotContainKey("x-secret")
        .containsKey("x-public");
    assertThat(response.headers().allValues("Date"))
        .containsExactly("Tue, 01 Jan 2030 00:00:00 GMT");
    assertThat(response.headers().allValues("Content-Type")).containsExactly("text/plain");
    assertThat(response.body()).isEqualTo("body\n");
  }

  @Test
  void absoluteLocationIsAClientRedirect() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/redirect-absolute.sh");
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location"))
        .contains("http://example.org/elsewhere?x=1");
  }

  @Test
  void localRedirectIsServedInsideTheGatewayAsGet() throws Exception {
    HttpResponse<String> response = gateway.send(gateway.request("/responses/redirect-local.sh")
        .POST(HttpRequest.BodyPublishers.ofString("body")), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, String> env = env(response.body());
    assertThat(env).containsEntry("REQUEST_METHOD", "GET")
        .containsEntry("PATH_INFO", "/after-redirect")
        .containsEntry("QUERY_STRING", "via=local");
  }

  @Test
  void localRedirectLoopIsCutOff() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/redirect-loop.sh");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("local redirects");
  }

  @Test
  void repeatedResponseHeadersAreKept() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/cookies.sh");
    assertThat(response.headers().allValues("Set-Cookie"))
        .containsExactly("a=1; Path=/", "b=2; Path=/");
  }

  @Test
  void lfOnlyHeaderLinesAreAccepted() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/lf-only.sh");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Style")).contains("lf");
    assertThat(response.body()).isEqualTo("lf body\n");
  }

  @Test
  void nphScriptStatusLineIsPassedThrough() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/nph-hello.sh");
    assertThat(response.statusCode()).isEqualTo(203);
    assertThat(response.headers().firstValue("X-Nph")).contains("yes");
    assertThat(response.body()).isEqualTo("nph body\n");
  }

  @Test
  void headIsAnsweredWithoutBody() throws Exception {
    HttpResponse<String> response = gateway.send(gateway.request("/responses/hello.sh")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain");
  }

  @Test
  void binaryBodyArrivesByteForByte() throws Exception {
    HttpResponse<byte[]> response = gateway.getBytes("/responses/binary.pl");
    byte[] expected = new byte[256 * 1024];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (byte) i;
    }
    assertThat(Arrays.equals(response.body(), expected)).isTrue();
  }

  @Test
  void interpreterIsChosenByExtension() throws Exception {
    assertThat(gateway.get("/responses/hello.py").body()).isEqualTo("hello from python\n");
    assertThat(gateway.get("/responses/hello.pl").body()).isEqualTo("hello from perl\n");
  }

  @Test
  void stderrGoesToTheLogNotTheClient() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/stderr.sh");
    assertThat(response.body()).isEqualTo("stdout only\n").doesNotContain("secret-stderr-line");
  }

  @Test
  void missingContentTypeGetsSafeDefaultAndNosniff() throws Exception {
    HttpResponse<String> response = gateway.get("/responses/no-content-type.sh");
    assertThat(response.headers().firstValue("Content-Type")).contains("application/octet-stream");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void missingScriptIsNotFoundAndDirectoryIsNeverExecuted() throws Exception {
    assertThat(gateway.get("/responses/absent.pl").statusCode()).isEqualTo(404);
    assertThat(gateway.get("/responses/dir-only").statusCode()).isEqualTo(404);
    assertThat(gateway.get("/responses/").statusCode()).isEqualTo(404);
    assertThat(gateway.get("/responses/absent.pl").headers().firstValue("X-Request-Id")).isPresent();
  }

  @Test
  void staticFilesAreServedFromTheDocroot() throws Exception {
    HttpResponse<String> response = gateway.get("/static.txt");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("plain static file\n");
    assertThat(gateway.get("/").body()).contains("static index");
  }

  @Test
  void requestBodyWithContentLengthReachesStdin() throws Exception {
    HttpResponse<String> response = gateway.send(gateway.request("/responses/count.pl")
        .POST(HttpRequest.BodyPublishers.ofString("hello world")),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).startsWith("11 b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        .contains("CONTENT_LENGTH=11");
  }
}
