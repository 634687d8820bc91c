package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.Polling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log: one line per request in Apache's combined format plus the gateway's fields, or
 * one JSON object per line, written to a file that is reopened by name after a rotation.
 */
@Timeout(120)
class AccessLogTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern COMBINED = Pattern.compile(
      "(\\S+) - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}] \"([^\"]*)\" (\\d{3}) "
          + "(\\d+|-) \"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\" id=(\\S+) "
          + "script=\"([^\"]*)\" outcome=(\\S+) attempts=(\\S+) ms=(\\d+)");

  @TempDir Path temp;

  @Test
  void combinedLineCarriesRequestIdScriptOutcomeAttemptsAndDuration() throws Exception {
    Path log = temp.resolve("access.log");
    try (TestGateway gateway = TestGateway.start("access-log = \"" + log + "\"", "")) {
      HttpResponse<String> ok = gateway.get("/responses/hello.sh", "User-Agent", "probe \"quoted\"",
          "Referer", "http://example.org/from");
      HttpResponse<String> failed = gateway.get("/before-headers/exit-mid-header-line.sh");
      HttpResponse<String> missing = gateway.get("/no-such-file.txt");
      List<String> lines = awaitLines(log, 3);

      Matcher first = parsed(lineWith(lines, "/responses/hello.sh"));
      assertThat(first.group(1)).isEqualTo("127.0.0.1");
      assertThat(first.group(2)).isEqualTo("GET /responses/hello.sh HTTP/1.1");
      assertThat(first.group(3)).isEqualTo("200");
      assertThat(first.group(5)).isEqualTo("http://example.org/from");
      assertThat(first.group(6)).isEqualTo("probe \\\"quoted\\\"");
      assertThat(first.group(7)).isEqualTo(ok.headers().firstValue("X-Request-Id").orElseThrow());
      assertThat(first.group(8)).isEqualTo("/responses/hello.sh");
      assertThat(first.group(9)).isEqualTo("ok");
      assertThat(first.group(10)).isEqualTo("1");

      Matcher second = parsed(lineWith(lines, "/before-headers/exit-mid-header-line.sh"));
      assertThat(second.group(3)).isEqualTo(Integer.toString(failed.statusCode())).isEqualTo("502");
      assertThat(second.group(9)).isEqualTo("exited-before-headers");
      assertThat(second.group(10)).isEqualTo(
          failed.headers().firstValue("X-Cgiguard-Attempts").orElseThrow());
      assertThat(second.group(7))
          .isEqualTo(failed.headers().firstValue("X-Request-Id").orElseThrow());

      Matcher third = parsed(lineWith(lines, "/no-such-file.txt"));
      assertThat(third.group(3)).isEqualTo(Integer.toString(missing.statusCode())).isEqualTo("404");
      assertThat(third.group(8)).isEqualTo("-");
      assertThat(third.group(9)).isEqualTo("-");
    }
  }

  /**
   * Apache's combined format writes {@code "-"} for a request header that was not sent (and an
   * empty value for one sent empty) and {@code -} ({@code %b}) for a response without a body.
   */
  @Test
  void combinedLineMarksWhatIsMissingWithADash() throws Exception {
    Path log = temp.resolve("access.log");
    try (TestGateway gateway = TestGateway.start("access-log = \"" + log + "\"", "")) {
      String bare = gateway.raw("GET /responses/hello.sh HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n", WAIT);
      String head = gateway.raw("HEAD /responses/hello.sh?head HTTP/1.1\r\nHost: x\r\n"
          + "Referer: \r\nUser-Agent: probe\r\nConnection: close\r\n\r\n", WAIT);
      List<String> lines = awaitLines(log, 2);

      assertThat(bare).startsWith("HTTP/1.1 200");
      Matcher noHeaders = parsed(lineWith(lines, "GET /responses/hello.sh HTTP"));
      assertThat(noHeaders.group(4)).isNotEqualTo("-").isNotEqualTo("0");
      assertThat(noHeaders.group(5)).as("Referer not sent").isEqualTo("-");
      assertThat(noHeaders.group(6)).as("User-Agent not sent").isEqualTo("-");
      assertThat(head).startsWith("HTTP/1.1 200");
      Matcher noBody = parsed(lineWith(lines, "HEAD /responses/hello.sh?head"));
      assertThat(noBody.group(4)).as("bytes of a response without a body").isEqualTo("-");
      assertThat(noBody.group(5)).as("a Referer sent empty").isEmpty();
      assertThat(noBody.group(6)).isEqualTo("probe");
    }
  }

  /**
   * A UTF-8 User-Agent is logged as the text it spells, not as each of its bytes taken for a
   * Latin-1 character ("aÃ©"); bytes that are no UTF-8 are logged as \xHH.
   */
  @Test
  void headerBytesAreLoggedAsTheClientWroteThem() throws Exception {
    Path log = temp.resolve("access.log");
    Path json = temp.resolve("access.json");
    try (TestGateway combined = TestGateway.start("access-log = \"" + log + "\"", "");
        TestGateway structured = TestGateway.start(
            "access-log = \"" + json + "\"\naccess-log-format = \"json\"", "")) {
      for (TestGateway gateway : List.of(combined, structured)) {
        for (String agent : List.of("a\u00e9", "b\u00e9\u00e9")) {
          // "a" + UTF-8 é; "b" + two Latin-1 é bytes, which are no UTF-8.
          byte[] value = agent.startsWith("a") ? agent.getBytes(StandardCharsets.UTF_8)
              : agent.getBytes(StandardCharsets.ISO_8859_1);
          try (RawConnection connection = RawConnection.open(gateway.port(), WAIT)) {
            byte[] head = ("GET /responses/hello.sh?" + agent.charAt(0) + " HTTP/1.1\r\nHost: x"
                + "\r\nConnection: close\r\nUser-Agent: ").getBytes(StandardCharsets.US_ASCII);
            connection.send(head, 0, head.length).send(value, 0, value.length).send("\r\n\r\n")
                .readToClose();
          }
        }
      }
      List<String> lines = awaitLines(log, 2);
      assertThat(parsed(lineWith(lines, "hello.sh?a")).group(6)).isEqualTo("a\u00e9");
      assertThat(parsed(lineWith(lines, "hello.sh?b")).group(6)).isIn("b\\xE9\\xE9",
          "b\\\\xE9\\\\xE9");
      List<String> objects = awaitLines(json, 2);
      ObjectMapper mapper = new ObjectMapper();
      assertThat(mapper.readTree(lineWith(objects, "hello.sh?a")).get("userAgent").asText())
          .isEqualTo("a\u00e9");
      assertThat(mapper.readTree(lineWith(objects, "hello.sh?b")).get("userAgent").asText())
          .isEqualTo("b\\xE9\\xE9");
    }
  }

  @Test
  void jsonIsOneObjectPerLine() throws Exception {
    Path log = temp.resolve("access.json");
    try (TestGateway gateway = TestGateway.start(
        "access-log = \"" + log + "\"\naccess-log-format = \"json\"", "")) {
      HttpResponse<String> ok = gateway.get("/responses/hello.sh?a=1", "User-Agent",
          "probe\t\"<x>\" \\ end");
      gateway.get("/before-headers/exit-mid-header-line.sh");
      List<String> lines = awaitLines(log, 2);
      ObjectMapper json = new ObjectMapper();
      JsonNode first = json.readTree(lineWith(lines, "hello.sh"));
      assertThat(first.get("remoteAddr").asText()).isEqualTo("127.0.0.1");
      assertThat(first.get("method").asText()).isEqualTo("GET");
      assertThat(first.get("uri").asText()).isEqualTo("/responses/hello.sh?a=1");
      assertThat(first.get("status").asInt()).isEqualTo(200);
      assertThat(first.get("bytesSent").asLong()).isEqualTo(ok.body().length());
      assertThat(first.get("userAgent").asText()).isEqualTo("probe\t\"<x>\" \\ end");
      assertThat(first.get("referer").isNull()).as("a Referer not sent is null").isTrue();
      assertThat(first.get("requestId").asText())
          .isEqualTo(ok.headers().firstValue("X-Request-Id").orElseThrow());
      assertThat(first.get("script").asText()).isEqualTo("/responses/hello.sh");
      assertThat(first.get("outcome").asText()).isEqualTo("ok");
      assertThat(first.get("attempts").asInt()).isEqualTo(1);
      assertThat(first.get("durationMs").asLong()).isNotNegative();
      JsonNode second = json.readTree(lineWith(lines, "exit-mid-header-line"));
      assertThat(second.get("outcome").asText()).isEqualTo("exited-before-headers");
      assertThat(second.get("attempts").asInt()).isGreaterThan(1);
    }
  }

  @Test
  void fileIsReopenedByNameAfterRotation() throws Exception {
    Path log = temp.resolve("access.log");
    Path rotated = temp.resolve("access.log.1");
    try (TestGateway gateway = TestGateway.start("access-log = \"" + log + "\"", "")) {
      gateway.get("/responses/hello.sh?before");
      awaitLines(log, 1);
      Files.move(log, rotated);
      gateway.server().reopenAccessLog();
      gateway.get("/responses/hello.sh?after");
      List<String> fresh = awaitLines(log, 1);
      assertThat(fresh).singleElement().asString().contains("?after");
      assertThat(Files.readAllLines(rotated)).singleElement().asString().contains("?before");
    }
  }

  @Test
  void forwardedClientIsLoggedWhenTheProxyIsTrusted() throws Exception {
    Path log = temp.resolve("access.log");
    try (TestGateway gateway = TestGateway.start("access-log = \"" + log + "\"\n"
        + "trusted-proxies = [\"127.0.0.1\"]", "")) {
      gateway.get("/responses/hello.sh", "X-Forwarded-For", "203.0.113.7");
      assertThat(parsed(awaitLines(log, 1).get(0)).group(1)).isEqualTo("203.0.113.7");
    }
  }

  private static List<String> awaitLines(Path log, int count) throws InterruptedException {
    assertThat(Polling.eventually(WAIT, () -> lines(log).size() >= count))
        .as("%d access log line(s) in %s: %s", count, log, lines(log)).isTrue();
    return lines(log);
  }

  private static List<String> lines(Path log) {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String lineWith(List<String> lines, String text) {
    return lines.stream().filter(l -> l.contains(text)).findFirst()
        .orElseThrow(() -> new AssertionError("no line with " + text + " in " + lines));
  }

  private static Matcher parsed(String line) {
    Matcher matcher = COMBINED.matcher(line);
    assertThat(matcher.matches()).as("combined format: %s", line).isTrue();
    return matcher;
  }
}
