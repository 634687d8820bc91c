package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-script circuit breaker as a client and an operator see it: a script that always fails
 * before its headers opens its circuit after the minimum number of requests, later requests get
 * 503 {@code circuit-open} with {@code Retry-After} without a launch, {@code /-/status} and
 * {@code /-/metrics} show it, and a successful half-open probe closes it again.
 */
class CircuitOverHttpTest {

  private static final String SCRIPT = "/intermittent/fail-until-healed.pl?circuit";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path scratch;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void alwaysFailingScriptOpensItsCircuitAndAHealedProbeClosesIt() throws Exception {
    try (TestGateway gateway = TestGateway.start("[environment]\nset = { TMPDIR = \""
        + scratch + "\" }\n" + """
        [retry]
        attempts = 1
        [circuit]
        window = 20
        min-requests = 10
        failure-ratio = 0.5
        open-for = "1s"
        """)) {
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> response = gateway.get(SCRIPT);
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("X-Cgiguard-Failure"))
            .hasValue("exited-before-headers");
      }
      assertThat(launches()).isEqualTo(10);

      HttpResponse<String> refused = gateway.get(SCRIPT, "Accept", "application/json");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("X-Cgiguard-Failure")).hasValue("circuit-open");
      assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
          seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 2));
      assertThat(JSON.readTree(refused.body()).get("kind").asText()).isEqualTo("circuit-open");
      assertThat(launches()).as("an open circuit launches nothing").isEqualTo(10);

      assertThat(circuitState(gateway)).hasValue("open");
      String metrics = gateway.get("/-/metrics").body();
      assertThat(counter(metrics, "cgiguard_requests_total", "exited-before-headers"))
          .isEqualTo(10.0);
      assertThat(counter(metrics, "cgiguard_requests_total", "circuit-open")).isEqualTo(1.0);

      Files.createFile(scratch.resolve("healed"));
      HttpResponse<String> probe = pollUntilAnswered(gateway, Duration.ofSeconds(20));
      assertThat(probe.body()).isEqualTo("healed\n");
      assertThat(launches()).isEqualTo(11);
      assertThat(circuitState(gateway)).hasValue("closed");
      assertThat(gateway.get(SCRIPT).statusCode()).isEqualTo(200);
    }
  }

  /** Requests the script until the circuit lets a probe through and it answers 200. */
  private static HttpResponse<String> pollUntilAnswered(TestGateway gateway, Duration patience)
      throws Exception {
    Instant deadline = Instant.now().plus(patience);
    while (true) {
      HttpResponse<String> response = gateway.get(SCRIPT);
      if (response.statusCode() == 200 || Instant.now().isAfter(deadline)) {
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
      }
      assertThat(response.statusCode()).isEqualTo(503);
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private long launches() throws Exception {
    Path counter = scratch.resolve("cgiguard-launches-circuit");
    return Files.exists(counter) ? Files.readAllLines(counter).size() : 0;
  }

  private static Optional<String> circuitState(TestGateway gateway) throws Exception {
    HttpResponse<String> status = gateway.get("/-/status", "Accept", "application/json");
    assertThat(status.statusCode()).isEqualTo(200);
    for (JsonNode circuit : JSON.readTree(status.body()).get("circuits")) {
      if (circuit.get("script").asText().contains("fail-until-healed.pl")) {
        return Optional.of(circuit.get("state").asText());
      }
    }
    return Optional.empty();
  }

  /** The value of the series of {@code name} for fail-until-healed.pl with {@code outcome}. */
  private static double counter(String metrics, String name, String outcome) {
    Pattern series = Pattern.compile("^" + name + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher line = series.matcher(metrics);
    double total = 0;
    while (line.find()) {
      String labels = line.group(1);
      if (labels.contains("fail-until-healed.pl") && labels.contains("outcome=\"" + outcome + "\"")) {
        total += Double.parseDouble(line.group(2));
      }
    }
    return total;
  }
}
