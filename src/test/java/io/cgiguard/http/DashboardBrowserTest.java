package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.cgiguard.Polling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser: headless Chromium loads {@code /-/}, a script fails in two
 * different ways, and the chart and the failure list show both kinds without a reload, with no
 * console error, no script exception and no Content-Security-Policy violation on the way. With
 * JavaScript off, the page served is the same facts, static.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {

  /** Every CSP violation the page meets is kept where the test can read it. */
  private static final String CSP_WATCH = "window.__cspViolations = [];"
      + "document.addEventListener('securitypolicyviolation', function (e) {"
      + "  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });";
  // '{}' until the page is parsed down to both charts and the live marker: the browser may be
  // asked while it is still reading the document.
  private static final String SEEN = "!(document.getElementById('rate-chart')"
      + " && document.getElementById('failure-chart') && document.getElementById('live'))"
      + " ? '{}' : JSON.stringify({"
      + "live: document.getElementById('live').className,"
      + "legend: Array.from(document.querySelectorAll('#failure-chart .legend'))"
      + "  .map(function (t) { return t.textContent; }),"
      + "requests: Number(document.getElementById('rate-chart').getAttribute('data-total')),"
      + "failures: Number(document.getElementById('failure-chart').getAttribute('data-total')),"
      + "listed: Array.from(document.querySelectorAll('#failures .kind'))"
      + "  .map(function (k) { return k.textContent; }),"
      + "marker: window.__notReloaded === true,"
      + "csp: window.__cspViolations })";
  private static final String TOML = """
      [retry]
      attempts = 1
      """;

  @TempDir Path dir;

  @BeforeEach
  void needsChromium() {
    if (!Files.isExecutable(DevToolsBrowser.CHROMIUM)) {
      fail("headless Chromium is needed at " + DevToolsBrowser.CHROMIUM
          + "; install it with test-scripts/ensure-chromium.sh (apt-get install -y chromium)");
    }
  }

  @Test
  void failuresOfTwoKindsAppearLiveWithoutReload() throws Exception {
    try (TestGateway gateway = TestGateway.start(TOML);
        DevToolsBrowser browser = DevToolsBrowser.start(dir.resolve("profile"), 1200, 900)) {
      browser.beforeEveryPage(CSP_WATCH);
      browser.navigate(gateway.uri("/-/").toString());
      assertThat(Polling.eventually(Duration.ofSeconds(30), () -> seen(browser)
          .path("live").asText().equals("on"))).as("the page went live: " + seen(browser))
          .isTrue();
      assertThat(seen(browser).path("failures").asLong()).isZero();
      browser.evaluate("window.__notReloaded = true");

      long before = System.nanoTime();
      assertThat(gateway.get("/before-headers/segfault.sh").statusCode()).isEqualTo(502);
      assertThat(gateway.get("/before-headers/exit-mid-header-line.sh").statusCode()).isEqualTo(502);
      boolean shown = Polling.eventually(Duration.ofSeconds(20), () -> {
        JsonNode now = seen(browser);
        return now.path("failures").asLong() == 2 && now.path("legend").size() == 2
            && now.path("listed").size() == 2;
      });
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
      JsonNode after = seen(browser);
      assertThat(shown).as("both failures shown: " + after).isTrue();
      System.out.printf("dashboard showed two failures of two kinds %d ms after they happened%n",
          millis);
      assertThat(after.path("marker").asBoolean()).as("the page was not reloaded").isTrue();
      String kinds = after.path("listed").toString();
      assertThat(after.path("listed").get(0).asText()).isNotEqualTo(after.path("listed").get(1)
          .asText());
      assertThat(after.path("requests").asLong()).isEqualTo(2);
      assertThat(after.path("legend").toString())
          .contains(after.path("listed").get(0).asText())
          .contains(after.path("listed").get(1).asText());
      assertThat(kinds).contains("before-headers");
      assertThat(after.path("csp").size()).as("CSP violations: " + after.path("csp")).isZero();
      assertThat(browser.problems()).as("console errors, exceptions, log errors").isEmpty();
    }
  }

  @Test
  void withoutJavaScriptThePageIsTheSameFactsStatic() throws Exception {
    try (TestGateway gateway = TestGateway.start(TOML);
        DevToolsBrowser browser = DevToolsBrowser.start(dir.resolve("static"), 1200, 900)) {
      assertThat(gateway.get("/before-headers/segfault.sh").statusCode()).isEqualTo(502);
      browser.call("Emulation.setScriptExecutionDisabled", new com.fasterxml.jackson.databind
          .ObjectMapper().createObjectNode().put("value", true));
      browser.navigate(gateway.uri("/-/").toString());
      assertThat(Polling.eventually(Duration.ofSeconds(30),
          () -> seen(browser).has("failures"))).as("the page loaded").isTrue();
      // Given the time of three refreshes, the page must stay as served.
      assertThat(Polling.eventually(Duration.ofSeconds(3),
          () -> !seen(browser).path("live").asText().equals("static"))).isFalse();
      JsonNode page = seen(browser);
      assertThat(page.path("failures").asLong()).isEqualTo(1);
      assertThat(page.path("listed").toString()).contains("killed-before-headers");
      assertThat(page.path("legend").toString()).contains("killed-before-headers");
      String text = browser.evaluate("document.body.innerText").asText();
      assertThat(text).contains("/before-headers/segfault.sh").contains("Running now")
          .contains("Circuits");
      assertThat(browser.problems()).isEmpty();
    }
  }

  private static JsonNode seen(DevToolsBrowser browser) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(
          browser.evaluate(SEEN).asText());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
