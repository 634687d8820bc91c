package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HealthTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void acceptingWorkIsOkWithStatus200() throws Exception {
    Health health = Health.healthy("accepting work");

    JsonNode json = JSON.readTree(health.json());

    assertThat(health.httpStatus()).isEqualTo(200);
    assertThat(json.path("status").asText()).isEqualTo("ok");
    assertThat(json.path("ok").asBoolean()).isTrue();
    assertThat(json.path("reasons").get(0).asText()).isEqualTo("accepting work");
  }

  @Test
  void stoppingIsNotOkWithStatus503() throws Exception {
    Health health = Health.unhealthy("stopping");

    JsonNode json = JSON.readTree(health.json());

    assertThat(health.httpStatus()).isEqualTo(503);
    assertThat(json.path("status").asText()).isEqualTo("not-ok");
    assertThat(json.path("ok").asBoolean()).isFalse();
  }

  @Test
  void combinedHealthIsOkOnlyWhenBothAreAndKeepsEveryReason() {
    Health combined = Health.healthy("accepting work").and(Health.unhealthy("launcher closed"));

    assertThat(combined.ok()).isFalse();
    assertThat(combined.reasons()).containsExactly("accepting work", "launcher closed");
    assertThat(Health.healthy("a").and(Health.healthy("b")).ok()).isTrue();
  }

  @Test
  void noReasonsStillGivesAnEmptyList() throws Exception {
    assertThat(JSON.readTree(Health.healthy().json()).path("reasons").isArray()).isTrue();
  }
}
