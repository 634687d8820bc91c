package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.cli.Main;
import io.cgiguard.http.TestGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgiguard load --replay} sends an IIS W3C log and an Apache combined log to the real
 * gateway and reports, in text, JSON and HTML, every URL whose class of answer changed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayAgainstGatewayTest {

  static final Path W3C = ReplayLogTest.LOGS.resolve("u_ex261201.log");
  static final Path COMBINED = ReplayLogTest.LOGS.resolve("access.log");

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("[retry]\nattempts = 1\n");

  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private Run load(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> argv = new ArrayList<>(List.of("load"));
    argv.addAll(List.of(args));
    int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
        argv.toArray(String[]::new));
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void bothLogsReplayedWithEveryChangedUrlInTextJsonAndHtml() throws Exception {
    Path json = dir.resolve("replay.json");
    Path html = dir.resolve("replay.html");

    Run run = load(gateway.uri("/").toString(), "--replay", W3C.toString(), COMBINED.toString(),
        "-c", "2", "-q", "--json", json.toString(), "--html", html.toString());

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("replay      14 logged request(s), 12 sent (as fast as 2 connection(s) allow)")
        .contains("skipped     2 {DELETE=1, POST=1}")
        .contains("malformed   3 log line(s)")
        .contains("u_ex261201.log:10: 8 values where #Fields names 15")
        .contains("access.log:5: the request '-' is not METHOD /path")
        .contains("changed     4 of 9 URL(s)")
        .contains("  GET /before-headers/exit-before-any-output.cgi  200 -> 502 (1)\n")
        .contains("  GET /before-headers/exit-before-any-output.cgi?x=1  200 -> 502 (1)\n")
        .contains("  GET /old-page.htm  200 -> 404 (1)\n")
        // IIS logged time-taken: its mean stands beside the new server's.
        .containsPattern("  GET /responses/hello.sh  200 \\(2\\) -> 200 \\(2\\)  time 15 ms -> "
            + "[0-9]+\\.[0-9] ms\n")
        .containsPattern("  GET /missing.htm  404 \\(2\\) -> 404 \\(2\\)  time 1 ms -> ")
        .containsPattern("  HEAD /static.txt  200 \\(1\\) -> 200 \\(1\\)  time 1 ms -> ");

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    JsonNode replay = report.get("replay");
    assertThat(report.get("requests").asLong()).isEqualTo(12);
    assertThat(replay.get("malformed_lines").asLong()).isEqualTo(3);
    assertThat(replay.get("skipped").toString()).isEqualTo("{\"DELETE\":1,\"POST\":1}");
    assertThat(replay.get("changed")).hasSize(4);
    List<String> changed = new ArrayList<>();
    replay.get("changed").forEach(u -> changed.add(u.get("url").asText()));
    assertThat(changed).containsExactlyInAnyOrder("/before-headers/exit-before-any-output.cgi",
        "/before-headers/exit-before-any-output.cgi?x=1", "/old-page.htm", "/<script>alert(1)</script>");
    JsonNode hello = find(replay.get("urls"), "/responses/hello.sh");
    assertThat(hello.get("old_status").toString()).isEqualTo("{\"200\":2}");
    assertThat(hello.get("new_status").toString()).isEqualTo("{\"200\":2}");
    assertThat(hello.get("changed").asBoolean()).isFalse();
    assertThat(hello.get("old_time_taken_ms_mean").asDouble()).isEqualTo(15.0);
    assertThat(hello.get("new_latency_ms_mean").asDouble()).isPositive();

    String page = Files.readString(html);
    assertThat(page).contains("<table id='changed'>", "/old-page.htm", "200 -&gt; 404 (1)",
        "/&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
    assertThat(page).contains("<h2>Latency by percentile</h2>");
  }

  @Test
  void unsafeMethodsAreReplayedOnlyWhenNamed() {
    Run run = load(gateway.uri("/").toString(), "--replay", COMBINED.toString(), "-q",
        "--replay-methods", "GET,HEAD,DELETE");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain("skipped  ")
        // IIS refused DELETE; this mount allows it, so the script answers.
        .contains("  DELETE /responses/hello.sh  405 -> 200 (1)\n");
  }

  @Test
  void theLoggedPaceCanBeSpedUp() {
    Run run = load(gateway.uri("/").toString(), "--replay", W3C.toString(), "-q",
        "--speed", "1000x");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("sent (the logged pace at 1000x)");
  }

  @Test
  void badReplayArgumentsAreOneLineAndExit2() {
    Run missing = load(gateway.uri("/").toString(), "--replay", dir.resolve("no.log").toString());
    Run both = load(gateway.uri("/").toString(), "--replay", W3C.toString(), "--rate", "5/s",
        "--speed", "2x");
    Run speed = load(gateway.uri("/").toString(), "--replay", W3C.toString(), "--speed", "fast");

    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("--replay: cannot read").contains("no.log");
    assertThat(both.status()).isEqualTo(2);
    assertThat(both.err()).contains("--rate and --speed both set the pace");
    assertThat(speed.status()).isEqualTo(2);
    assertThat(speed.err()).contains("--speed: 'fast' is not a factor");
  }

  private static JsonNode find(JsonNode urls, String url) {
    for (JsonNode u : urls) {
      if (u.get("url").asText().equals(url) && u.get("method").asText().equals("GET")) {
        return u;
      }
    }
    throw new AssertionError("no row for " + url + " in " + urls);
  }
}
