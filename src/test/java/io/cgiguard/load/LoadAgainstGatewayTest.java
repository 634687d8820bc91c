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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgiguard load} against the real gateway and a flaky script: the failures the load tester
 * names are exactly the failures the gateway counted in {@code /-/metrics}, and the retries the
 * gateway made are counted, not hidden.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadAgainstGatewayTest {

  private static final Pattern REQUESTS = Pattern.compile(
      "^cgiguard_requests_total\\{outcome=\"([a-z-]+)\","
          + "script=\"/intermittent/flaky-unseeded.sh\"\\} ([0-9.E]+)$", Pattern.MULTILINE);

  @TempDir Path dir;

  @Test
  void failureCountsEqualTheGatewaysOwn() throws Exception {
    try (TestGateway gateway = TestGateway.start(retries(2))) {
      StringWriter out = new StringWriter();
      JsonNode report = loadFlaky(gateway, 400, out);
      Map<String, Long> seenByLoad = new HashMap<>();
      report.get("failures").properties().forEach(entry ->
          seenByLoad.put(entry.getKey(), entry.getValue().asLong()));
      Map<String, Long> countedByGateway = new HashMap<>();
      Matcher m = REQUESTS.matcher(gateway.get("/-/metrics").body());
      long gatewayOk = 0;
      while (m.find()) {
        long count = (long) Double.parseDouble(m.group(2));
        if (m.group(1).equals("ok")) {
          gatewayOk = count;
        } else {
          countedByGateway.put("cgiguard-" + m.group(1), count);
        }
      }
      assertThat(report.get("requests").asLong()).isEqualTo(400);
      // About a quarter fail even after the retry (0.5 squared): enough to compare.
      assertThat(seenByLoad).isNotEmpty();
      assertThat(seenByLoad).isEqualTo(countedByGateway);
      assertThat(report.get("ok").asLong()).isEqualTo(gatewayOk);
    }
  }

  /**
   * What the gateway's retries hid: against a script that dies half the time and three attempts,
   * about half of the script's runs fail while only about one response in eight does (0.5
   * cubed), and the report says both.
   */
  @Test
  void halfTheRunsFailWhileAnEighthOfTheResponsesDo() throws Exception {
    try (TestGateway gateway = TestGateway.start(retries(3))) {
      StringWriter out = new StringWriter();
      JsonNode report = loadFlaky(gateway, 600, out);
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
      assertThat(Files.readString(dir.resolve("load.html"))).contains("id='attempts-chart'")
          .contains("id='failure-kinds-chart'");
    }
  }

  /** A gateway configuration with {@code attempts} runs per request and no circuit to open. */
  private static String retries(int attempts) {
    return """
        [retry]
        attempts = %d
        backoff = "1ms"
        [circuit]
        window = 1000
        min-requests = 1000
        """.formatted(attempts);
  }

  /** Runs {@code cgiguard load} on the flaky script; @return its JSON report (HTML beside it) */
  private JsonNode loadFlaky(TestGateway gateway, int requests, StringWriter out)
      throws Exception {
    Path json = dir.resolve("load.json");
    StringWriter err = new StringWriter();
    int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "load",
        gateway.uri("/intermittent/flaky-unseeded.sh").toString(), "-c", "4", "-n",
        Integer.toString(requests), "-q", "--max-failure-rate", "100%", "--json", json.toString(),
        "--html", dir.resolve("load.html").toString());
    assertThat(status).as(err.toString()).isZero();
    return new ObjectMapper().readTree(json.toFile());
  }
}
