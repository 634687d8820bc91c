package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.Polling;
import io.cgiguard.observe.DashboardPage;
import io.cgiguard.observe.LiveSeries;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard's endpoints over real HTTP: the page and its files under a strict policy and
 * nothing inline, loopback only, outside text escaped, and the running scripts listed in each of
 * their states with pid, age and CPU time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardEndpointTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOML = """
      [timeouts]
      linger = "4s"
      [retry]
      attempts = 1
      """;

  @Test
  void pageAndFilesComeFromThisOriginUnderAStrictPolicy() throws Exception {
    try (TestGateway gateway = TestGateway.start(TOML)) {
      HttpResponse<String> page = gateway.get("/-/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Security-Policy"))
          .hasValue(DashboardPage.CONTENT_SECURITY_POLICY);
      assertThat(DashboardPage.CONTENT_SECURITY_POLICY).contains("script-src 'self'")
          .doesNotContain("unsafe-inline").doesNotContain("http");
      String html = page.body();
      assertThat(html).contains("<script src=\"/-/dashboard.js\" defer></script>")
          .doesNotContain("<style").doesNotContain(" style=").doesNotContain("onclick")
          .doesNotContain("//cdn").doesNotContain("https://");
      assertThat(html.split("<script", -1)).hasSize(2);
      for (String file : List.of("/-/dashboard.js", "/-/dashboard.css", "/-/dashboard.svg")) {
        HttpResponse<String> served = gateway.get(file);
        assertThat(served.statusCode()).as(file).isEqualTo(200);
        assertThat(served.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(served.body()).as(file).isNotBlank().doesNotContain("https://");
      }
      assertThat(gateway.get("/-/dashboard.js").headers().firstValue("Content-Type")).get()
          .asString().startsWith("text/javascript");
      JsonNode json = JSON.readTree(gateway.get("/-/dashboard.json").body());
      assertThat(json.path("series").path("requests").size()).isEqualTo(LiveSeries.SHORTEST_RECENT);
      assertThat(json.path("limits").path("maxRunning").asInt()).isEqualTo(64);
    }
  }

  @Test
  void answersLoopbackClientsOnly() throws Exception {
    try (TestGateway gateway = TestGateway.start(PrematureTerminationTest.REMOTE, TOML)) {
      for (String path : List.of("/-/", "/-/dashboard.json", "/-/dashboard.js")) {
        HttpResponse<String> refused = gateway.get(path);
        assertThat(refused.statusCode()).as(path).isEqualTo(403);
        assertThat(refused.body()).doesNotContain("rate-chart");
      }
    }
  }

  @Test
  void outsideTextIsEscapedOnThePageAndInTheJson() throws Exception {
    try (TestGateway gateway = TestGateway.start(TOML)) {
      assertThat(gateway.get("/security/markup-on-stderr.sh").statusCode()).isEqualTo(502);
      String html = gateway.get("/-/").body();
      assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt; \\x1B[31mred")
          .doesNotContain("<img src=x").doesNotContain("\u001b");
      JsonNode json = JSON.readTree(gateway.get("/-/dashboard.json").body());
      assertThat(json.path("html").path("failures").asText())
          .contains("&lt;img src=x onerror=alert(1)&gt; \\x1B[31mred")
          .doesNotContain("<img src=x");
      assertThat(json.path("scripts").get(0).path("failures").asLong()).isEqualTo(1);
    }
  }

  @Test
  void runningScriptsAreListedInEachState() throws Exception {
    try (TestGateway gateway = TestGateway.start(TOML)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
      for (String script : List.of("responses/sleep-2s-then-answer.sh",
          "responses/slow-header-line.sh", "responses/stream.sh",
          "processes/grandchild-holds-stdout.sh")) {
        requests.add(JettyPageScan.sendAsync(client,
            HttpRequest.newBuilder(gateway.uri("/" + script))
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      Set<String> wanted = Set.of("starting", "reading headers", "streaming", "lingering");
      AtomicReference<JsonNode> last = new AtomicReference<>();
      boolean all = Polling.eventually(Duration.ofSeconds(20), () -> {
        try {
          JsonNode json = JSON.readTree(gateway.get("/-/dashboard.json").body());
          last.set(json);
          Set<String> states = new HashSet<>();
          json.path("processes").forEach(p -> states.add(p.path("script").asText() + " "
              + p.path("state").asText()));
          return states.containsAll(Set.of("/responses/sleep-2s-then-answer.sh starting",
              "/responses/slow-header-line.sh reading headers", "/responses/stream.sh streaming",
              "/processes/grandchild-holds-stdout.sh lingering"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(all).as("all four states in " + last.get()).isTrue();
      for (JsonNode process : last.get().path("processes")) {
        assertThat(wanted).contains(process.path("state").asText());
        assertThat(process.path("pid").asLong()).isPositive();
        assertThat(process.path("ageSeconds").asDouble()).isPositive();
        assertThat(process.path("cpuSeconds").asDouble()).isNotNegative();
      }
      for (CompletableFuture<HttpResponse<String>> request : requests) {
        assertThat(request.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      // Once answered, nothing is left listed.
      assertThat(Polling.eventually(Duration.ofSeconds(15), () -> {
        try {
          return JSON.readTree(gateway.get("/-/dashboard.json").body()).path("processes")
              .isEmpty();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      })).isTrue();
    }
  }
}
