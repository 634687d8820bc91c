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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gateway's retries hid: against a script that dies half the time and three attempts,
 * about half of the script's runs fail while only about one response in eight does (0.5 cubed),
 * and the report says both.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HiddenRetriesTest {

  @TempDir Path dir;

  @Test
  void halfTheRunsFailWhileAnEighthOfTheResponsesDo() throws Exception {
    String toml = """
        [retry]
        attempts = 3
        backoff = "1ms"
        [circuit]
        window = 1000
        min-requests = 1000
        """;
    try (TestGateway gateway = TestGateway.start(toml)) {
      Path json = dir.resolve("load.json");
      Path html = dir.resolve("load.html");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "load",
          gateway.uri("/intermittent/flaky-unseeded.sh").toString(), "-c", "4", "-n", "600", "-q",
          "--max-failure-rate", "100%", "--json", json.toString(), "--html", html.toString());
      assertThat(status).as(err.toString()).isZero();
      JsonNode report = new ObjectMapper().readTree(json.toFile());
      JsonNode attempts = report.get("gateway_attempts");
      assertThat(attempts).as(report.toString()).isNotNull();
      long firstTry = attempts.get("ok_first_try").asLong();
      long afterRetry = attempts.get("ok_after_retry").asLong();
      long failed = attempts.get("failed").asLong();
      assertThat(firstTry + afterRetry + failed).isEqualTo(600);
      assertThat(firstTry + afterRetry).isEqualTo(report.get("ok").asLong());
      assertThat(failed).isEqualTo(report.get("failed").asLong());
      // Binomial spread at these counts is about 1.5 points for runs and 1.4 for responses.
      assertThat(attempts.get("attempt_failure_rate").asDouble()).isBetween(0.42, 0.58);
      assertThat(attempts.get("response_failure_rate").asDouble()).isBetween(0.06, 0.19);
      assertThat(afterRetry).isPositive();
      // The failures per kind over time add up to the failures by kind.
      report.get("failures").properties().forEach(kind -> {
        long sum = 0;
        for (JsonNode n : report.get("failures_per_second").get(kind.getKey())) {
          sum += n.asLong();
        }
        assertThat(sum).as(kind.getKey()).isEqualTo(kind.getValue().asLong());
      });
      assertThat(out.toString()).contains("ok after retry");
      assertThat(Files.readString(html)).contains("id='attempts-chart'")
          .contains("id='failure-kinds-chart'");
    }
  }
}
