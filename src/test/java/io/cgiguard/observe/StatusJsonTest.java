package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.observe.Snapshots.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void documentHasEveryFieldOfTheSnapshot() throws Exception {
    JsonNode root = JSON.readTree(StatusJson.render(Snapshots.ordinary()));

    assertThat(root.path("takenAt").asText()).isEqualTo("2026-03-01T12:00:00Z");
    assertThat(root.path("uptimeSeconds").asLong()).isEqualTo(93_784);
    assertThat(root.path("uptime").asText()).isEqualTo("1d 2h 3m 4s");
    assertThat(root.path("version").asText()).isEqualTo("0.1.0");
    assertThat(root.path("launcher").path("name").asText()).isEqualTo("posix");
    assertThat(root.path("launcher").path("enforcedLimits").get(1).asText())
        .isEqualTo("process-group");
    assertThat(root.path("launcher").path("unenforcedLimits").isArray()).isTrue();
    assertThat(root.path("running").asInt()).isEqualTo(4);
    assertThat(root.path("queued").asInt()).isEqualTo(1);
    JsonNode circuit = root.path("circuits").get(0);
    assertThat(circuit.path("script").asText()).isEqualTo("form.pl");
    assertThat(circuit.path("state").asText()).isEqualTo("open");
    assertThat(circuit.path("failures").asInt()).isEqualTo(5);
    assertThat(circuit.path("requests").asInt()).isEqualTo(9);
    JsonNode totals = root.path("totals");
    assertThat(totals.path("requests").asLong()).isEqualTo(130);
    assertThat(totals.path("failed").asLong()).isEqualTo(9);
    assertThat(totals.path("failuresByKind").path("exited-before-headers").asLong()).isEqualTo(9);
  }

  @Test
  void recentFailuresCarryTheirCauseAndStderr() throws Exception {
    JsonNode failure =
        JSON.readTree(StatusJson.render(Snapshots.ordinary())).path("recentFailures").get(0);

    assertThat(failure.path("at").asText()).isEqualTo("2026-03-01T11:59:55Z");
    assertThat(failure.path("requestId").asText()).isEqualTo("req-1");
    assertThat(failure.path("method").asText()).isEqualTo("POST");
    assertThat(failure.path("path").asText()).isEqualTo("/cgi-bin/form.pl/extra");
    assertThat(failure.path("kind").asText()).isEqualTo("exited-before-headers");
    assertThat(failure.path("status").asInt()).isEqualTo(502);
    assertThat(failure.path("attempts").asInt()).isEqualTo(2);
    assertThat(failure.path("cause").path("title").asText()).startsWith("The script died");
    assertThat(failure.path("stderrTail").asText()).endsWith("\nBEGIN failed");
    assertThat(failure.path("exit").asText()).isEqualTo("exit 255");
  }

  @ParameterizedTest
  @EnumSource(Field.class)
  void hostileStringsSurviveAsValuesButNeverAsMarkup(Field field) throws Exception {
    String hostile = "</script><b>&\u2028\"\\";

    String text = StatusJson.render(Snapshots.with(field, hostile));

    assertThat(text).doesNotContain("<", ">", "&", "\u2028");
    assertThat(text).contains("\\u003C/script\\u003E");
    assertThat(allStrings(JSON.readTree(text))).contains(hostile);
  }

  @Test
  void oneFailureRendersAlone() throws Exception {
    FailureRecord failure = Snapshots.ordinary().recentFailures().get(0);

    JsonNode node = JSON.readTree(StatusJson.render(failure));

    assertThat(node.path("script").asText()).isEqualTo("form.pl");
  }

  private static java.util.List<String> allStrings(JsonNode node) {
    java.util.List<String> strings = new java.util.ArrayList<>();
    if (node.isTextual()) {
      strings.add(node.asText());
    }
    node.fieldNames().forEachRemaining(strings::add);
    node.elements().forEachRemaining(child -> strings.addAll(allStrings(child)));
    return strings;
  }
}
