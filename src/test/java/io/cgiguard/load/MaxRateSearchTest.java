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
 * {@code --find-max-rate} against a script of known capacity: it sleeps a quarter of a second and
 * the gateway runs two at once, so it answers 8 requests per second; past that, requests wait in
 * the gateway's queue and latency climbs with every step. The capacity is low on purpose, so
 * that a busy machine's CPU is not what decides it. The objective is on p90: a step near capacity
 * has a few dozen requests, of which p99 is the single slowest, and on a busy machine one slow
 * spawn would decide it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MaxRateSearchTest {

  private static final double CAPACITY = 2 / 0.25;

  @TempDir Path dir;

  @Test
  void findsTheRateTheScriptsCapacityAllows() throws Exception {
    String toml = """
        [concurrency]
        max-per-script = 2
        queue-wait = "30s"
        [circuit]
        window = 1000
        min-requests = 1000
        """;
    try (TestGateway gateway = TestGateway.start(toml)) {
      Path json = dir.resolve("search.json");
      Path html = dir.resolve("search.html");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "load",
          gateway.uri("/responses/sleep-quarter-second-then-answer.sh").toString(), "-c", "32", "-q",
          "--find-max-rate", "--slo", "p90<700ms,failures<1%", "--rate", "4/s", "-d", "4s",
          "--warmup", "1s",
          "--json", json.toString(), "--html", html.toString());
      assertThat(status).as(out + "\n" + err).isZero();
      JsonNode report = new ObjectMapper().readTree(json.toFile());
      double found = report.get("max_rate_rps").asDouble();
      assertThat(found).as(out.toString()).isBetween(CAPACITY * 0.8, CAPACITY * 1.2);
      JsonNode steps = report.get("steps");
      assertThat(steps.size()).isGreaterThanOrEqualTo(4);
      boolean anyBroke = false;
      for (JsonNode step : steps) {
        assertThat(step.get("latency_ms").get("p99").asDouble()).isPositive();
        anyBroke |= !step.get("held").asBoolean();
      }
      assertThat(anyBroke).as("a step above capacity broke the objective").isTrue();
      assertThat(Files.readString(html)).contains("id='steps-chart'").contains("Breaking point");
      // -Dcgiguard.search.html=FILE keeps the report, for the documentation's picture.
      String kept = System.getProperty("cgiguard.search.html");
      if (kept != null) {
        Files.copy(html, Path.of(kept), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  @Test
  void aBadObjectiveIsRefusedInOneLine() {
    StringWriter err = new StringWriter();
    int status = Main.execute(new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true), "load", "http://127.0.0.1:9/", "--find-max-rate", "--slo",
        "p99<fast");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("'p99<fast' is not an objective");
  }
}
