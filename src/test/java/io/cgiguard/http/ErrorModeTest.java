package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error modes other than the default, seen by a remote client: {@code detailed} shows the
 * evidence and cause to everyone, {@code custom} sends the operator's page to everyone, local
 * clients included, with the status and failure headers still set.
 */
class ErrorModeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path scratch;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void detailedModeShowsCauseAndEvidenceToRemoteClients() throws Exception {
    try (TestGateway gateway = TestGateway.start(PrematureTerminationTest.REMOTE,
        "[diagnostics]\nerror-mode = \"detailed\"\n")) {
      HttpResponse<String> response =
          gateway.get("/before-headers/body-first.cgi", "Accept", "application/json");

      assertThat(response.statusCode()).isEqualTo(502);
      JsonNode page = JSON.readTree(response.body());
      assertThat(page.at("/cause/id").asText()).isEqualTo("body-before-headers");
      assertThat(page.get("headersReceived").asText()).startsWith("<html>");
      assertThat(page.get("attempts")).hasSize(1);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void customModeSendsTheOperatorsPageWithoutDetails() throws Exception {
    Path custom = Files.writeString(scratch.resolve("error.html"),
        "<!DOCTYPE html><title>Sorry</title><p>Something went wrong.</p>\n");
    try (TestGateway gateway = TestGateway.start("""
        [diagnostics]
        error-mode = "custom"
        custom-page = "%s"
        """.formatted(custom))) {
      HttpResponse<String> response =
          gateway.get("/startup-failures/perl-syntax-error.pl", "Accept", "application/json");

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.headers().firstValue("X-Cgiguard-Failure"))
          .hasValue("exited-before-headers");
      assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
      assertThat(response.body()).isEqualTo(Files.readString(custom))
          .doesNotContain("syntax error");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void metricsCountEveryAttemptAndEveryRequest() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      gateway.get("/before-headers/exit-before-any-output.cgi");

      String metrics = gateway.get("/-/metrics").body();
      assertThat(metrics).contains("cgiguard_attempts_total{outcome=\"exited-before-headers\","
          + "script=\"/before-headers/exit-before-any-output.cgi\"} 3.0\n");
      assertThat(metrics).contains("cgiguard_requests_total{outcome=\"exited-before-headers\","
          + "script=\"/before-headers/exit-before-any-output.cgi\"} 1.0\n");
    }
  }
}
