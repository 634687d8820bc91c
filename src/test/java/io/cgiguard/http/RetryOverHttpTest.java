package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries as a client sees them: a request is replayed only when it is safe, the attempts are
 * counted in {@code X-Cgiguard-Attempts}, and with a per-attempt failure probability p and three
 * attempts the client-visible failure rate is p cubed.
 */
class RetryOverHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path scratch;

  /** Scripts keep their counter files in {@code scratch}, which the test can read. */
  private String scratchEnvironment() {
    return "[environment]\nset = { TMPDIR = \"" + scratch + "\" }\n";
  }

  private long launches(String name) throws Exception {
    Path counter = scratch.resolve("cgiguard-launches-" + name);
    return Files.exists(counter) ? Files.readAllLines(counter).size() : 0;
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void getThatFailsOnceSucceedsOnTheSecondAttempt() throws Exception {
    try (TestGateway gateway = TestGateway.start(scratchEnvironment())) {
      HttpResponse<String> response = gateway.get("/intermittent/fail-once.pl?once");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("second time lucky\n");
      assertThat(response.headers().firstValue("X-Cgiguard-Attempts")).hasValue("2");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void postLargerThanTheReplayBufferIsNeverRetried() throws Exception {
    try (TestGateway gateway = TestGateway.start("", """
        [[mount.handler]]
        path = "fail-until-healed.pl"
        script-processor = "/usr/bin/perl %s"
        verbs = ["GET", "POST"]
        retry-body = true
        """, scratchEnvironment() + """
        [retry]
        replay-buffer = "1KiB"
        methods = ["GET", "HEAD", "OPTIONS", "POST"]
        """)) {
      HttpResponse<String> large = post(gateway, "/intermittent/fail-until-healed.pl?large", 4096);
      HttpResponse<String> small = post(gateway, "/intermittent/fail-until-healed.pl?small", 100);

      assertThat(large.statusCode()).isEqualTo(502);
      assertThat(large.headers().firstValue("X-Cgiguard-Failure"))
          .hasValue("exited-before-headers");
      assertThat(large.headers().firstValue("X-Cgiguard-Attempts")).hasValue("1");
      assertThat(launches("large")).isEqualTo(1);
      // The same mapping does replay a body that fits: the size alone made the difference.
      assertThat(small.headers().firstValue("X-Cgiguard-Attempts")).hasValue("3");
      assertThat(launches("small")).isEqualTo(3);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void postWithoutARetryMappingIsNeverRetried() throws Exception {
    try (TestGateway gateway = TestGateway.start(scratchEnvironment())) {
      HttpResponse<String> response = post(gateway, "/intermittent/fail-until-healed.pl?plain", 10);

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.headers().firstValue("X-Cgiguard-Attempts")).hasValue("1");
      assertThat(launches("plain")).isEqualTo(1);
    }
  }

  /**
   * 2,000 GETs of a script that fails before its headers with p = 0.3 per attempt, 3 attempts:
   * a request fails with probability p^3 = 0.027, so the failures are Binomial(2000, 0.027),
   * mean 54 and standard deviation sqrt(2000 * 0.027 * 0.973) = 7.25; the count must lie within
   * four standard deviations, 25 to 83 (a false alarm about once in 15,000 runs).
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void flakyScriptFailsForTheClientAtTheRateOfPCubed() throws Exception {
    int requests = 2000;
    double p = 0.3;
    double failure = p * p * p;
    double mean = requests * failure;
    double sigma = Math.sqrt(requests * failure * (1 - failure));
    try (TestGateway gateway = TestGateway.start(scratchEnvironment() + """
        [retry]
        backoff = "1ms"
        max-backoff = "2ms"
        """)) {
      List<HttpResponse<String>> responses = getConcurrently(gateway,
          "/intermittent/flaky-seeded.pl?p=0.3&seed=20261126&counter=binomial", requests);

      List<HttpResponse<String>> failed = responses.stream()
          .filter(r -> r.statusCode() != 200).toList();
      assertThat((double) failed.size()).isBetween(mean - 4 * sigma, mean + 4 * sigma);
      for (HttpResponse<String> response : failed) {
        assertWellFormedDiagnostic(response);
      }
      long attempts = responses.stream().mapToLong(r ->
          Long.parseLong(r.headers().firstValue("X-Cgiguard-Attempts").orElseThrow())).sum();
      // Attempts a request: 1 + p + p^2 = 1.39 on average; each is at most 2 (Bernoulli sums).
      double expectedAttempts = requests * (1 + p + p * p);
      assertThat((double) attempts).isBetween(expectedAttempts - 4 * Math.sqrt(requests),
          expectedAttempts + 4 * Math.sqrt(requests));
    }
  }

  private static void assertWellFormedDiagnostic(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("X-Cgiguard-Failure"))
        .hasValue("exited-before-headers");
    assertThat(response.headers().firstValue("X-Cgiguard-Attempts")).hasValue("3");
    String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
    JsonNode page = JSON.readTree(response.body());
    assertThat(page.get("requestId").asText()).isEqualTo(requestId);
    assertThat(page.get("kind").asText()).isEqualTo("exited-before-headers");
    assertThat(page.get("attempts")).hasSize(3);
  }

  private static List<HttpResponse<String>> getConcurrently(TestGateway gateway, String path,
      int count) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<HttpResponse<String>>> pending = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        pending.add(clients.submit(() -> gateway.get(path, "Accept", "application/json")));
      }
      List<HttpResponse<String>> responses = new ArrayList<>();
      for (Future<HttpResponse<String>> response : pending) {
        responses.add(response.get());
      }
      return responses;
    } finally {
      clients.shutdownNow();
    }
  }

  private static HttpResponse<String> post(TestGateway gateway, String path, int bodyBytes)
      throws Exception {
    HttpRequest.Builder request = gateway.request(path)
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bodyBytes]));
    return gateway.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
