package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * Every attempt's evidence holds what the script said on stderr before it died, not only what
 * the gateway happened to have read when stdout ended; with retries the diagnosis therefore
 * still sees Perl's message on the last attempt.
 */
class StderrEvidenceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @RepeatedTest(3)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyRetriedAttemptKeepsItsStderrAndTheCauseIsNamed() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      JsonNode page = JSON.readTree(gateway.get("/startup-failures/perl-syntax-error.pl",
          "Accept", "application/json").body());

      assertThat(page.get("attempts")).hasSize(3);
      for (JsonNode attempt : page.get("attempts")) {
        assertThat(attempt.get("stderrTail").asText()).contains("syntax error");
      }
      assertThat(page.at("/cause/id").asText()).isEqualTo("perl-compile-error");
    }
  }
}
