package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * Every attempt's evidence holds what the script said on stderr before it died, not only what
 * the gateway happened to have read when stdout ended: each retried attempt keeps its own stderr,
 * and a Perl compile error (tried once, since a retry cannot cure it) still names its cause.
 */
class StderrEvidenceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @RepeatedTest(3)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyRetriedAttemptKeepsItsStderrAndTheCauseIsNamed() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      JsonNode retried = JSON.readTree(gateway.get("/before-headers/exit-before-any-output.cgi",
          "Accept", "application/json").body());
      assertThat(retried.get("attempts")).hasSize(3);
      for (JsonNode attempt : retried.get("attempts")) {
        assertThat(attempt.get("stderrTail").asText())
            .contains("about to fail: database password rejected");
      }

      JsonNode compileError = JSON.readTree(gateway.get("/startup-failures/perl-syntax-error.pl",
          "Accept", "application/json").body());
      assertThat(compileError.get("attempts")).hasSize(1);
      assertThat(compileError.at("/attempts/0/stderrTail").asText()).contains("syntax error");
      assertThat(compileError.at("/cause/id").asText()).isEqualTo("perl-compile-error");
    }
  }
}
