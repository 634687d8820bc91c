package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.cli.Main;
import io.cgiguard.http.TestGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgiguard load} against the real gateway and a flaky script: the failures the load tester
 * names are exactly the failures the gateway counted in {@code /-/metrics}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadAgainstGatewayTest {

  private static final Pattern REQUESTS = Pattern.compile(
      "^cgiguard_requests_total\\{outcome=\"([a-z-]+)\","
          + "script=\"/intermittent/flaky-unseeded.sh\"\\} ([0-9.E]+)$", Pattern.MULTILINE);

  @TempDir Path dir;

  @Test
  void failureCountsEqualTheGatewaysOwn() throws Exception {
    String toml = """
        [retry]
        attempts = 2
        backoff = "1ms"
        [circuit]
        window = 1000
        min-requests = 1000
        """;
    try (TestGateway gateway = TestGateway.start(toml)) {
      Path json = dir.resolve("load.json");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "load",
          gateway.uri("/intermittent/flaky-unseeded.sh").toString(), "-c", "4", "-n", "400", "-q",
          "--max-failure-rate", "100%", "--json", json.toString());
      assertThat(status).as(err.toString()).isZero();
      JsonNode report = new ObjectMapper().readTree(json.toFile());
      Map<String, Long> seenByLoad = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = report.get("failures").properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        seenByLoad.put(entry.getKey(), entry.getValue().asLong());
      }
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
}
