package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.Polling;
import io.cgiguard.load.Expectations;
import io.cgiguard.load.LoadPlan;
import io.cgiguard.load.LoadRun;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard during a load run, as a picture: several runs of {@code cgiguard load} drive a
 * flaky script, a slow one, a crashing one and a slow streamer at once while Chromium shows
 * {@code /-/}; the screenshot is a PNG of the page with every section filled in. Set the system
 * property {@code cgiguard.screenshot} to a path to keep it (the documentation's picture is made
 * this way); otherwise it goes to a temporary directory.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardScreenshotTest {

  private static final String TOML = """
      [concurrency]
      max-per-script = 4
      [retry]
      attempts = 3
      backoff = "1ms"
      """;

  @TempDir Path dir;

  @BeforeEach
  void needsChromium() {
    assertThat(DevToolsBrowser.CHROMIUM).as("install it with test-scripts/ensure-chromium.sh")
        .isExecutable();
  }

  @Test
  void theDashboardDuringALoadRun() throws Exception {
    String kept = System.getProperty("cgiguard.screenshot");
    Path picture = kept == null ? dir.resolve("dashboard.png") : Path.of(kept).toAbsolutePath();
    try (TestGateway gateway = TestGateway.start(TOML);
        DevToolsBrowser browser = DevToolsBrowser.start(dir.resolve("profile"), 1100, 1500)) {
      List<Thread> runs = new ArrayList<>();
      runs.add(run(gateway, "/intermittent/flaky-unseeded.sh", 4, 30));
      runs.add(run(gateway, "/responses/sleep-quarter-second-then-answer.sh", 8, 18));
      runs.add(run(gateway, "/before-headers/segfault.sh", 1, 2));
      runs.add(run(gateway, "/responses/stream.sh", 2, 0.6));
      browser.navigate(gateway.uri("/-/").toString());
      ObjectMapper json = new ObjectMapper();
      // Wait until the chart has something of everything to show, and someone is running.
      boolean filled = Polling.eventually(Duration.ofSeconds(60), () -> {
        try {
          JsonNode now = json.readTree(gateway.get("/-/dashboard.json").body());
          return now.path("series").path("failures").size() >= 2
              && now.path("processes").size() >= 3
              && gateway.get("/-/status.json").body().contains("\"open\"");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(filled).as("every section had something to show").isTrue();
      // The chart needs a stretch of history to read as a chart.
      Polling.eventually(Duration.ofSeconds(12), () -> false);
      assertThat(Polling.eventually(Duration.ofSeconds(10), () -> {
        try {
          return browser.evaluate("document.getElementById('live').className").asText()
              .equals("on");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      })).isTrue();
      // Show one failure opened to its diagnosis; the page keeps it open across refreshes.
      browser.evaluate("(function () { var k = Array.from(document.querySelectorAll("
          + "'#failures .kind')).find(function (e) { return e.textContent === "
          + "'killed-before-headers'; }); if (k) { k.closest('details').open = true; } }())");
      Files.createDirectories(picture.getParent());
      browser.screenshot(picture);
      for (Thread run : runs) {
        run.join(TimeUnit.SECONDS.toMillis(60));
      }
      assertThat(browser.problems()).isEmpty();
    }
    try (InputStream in = Files.newInputStream(picture)) {
      DataInputStream png = new DataInputStream(in);
      assertThat(png.readLong()).as("PNG signature").isEqualTo(0x89504E470D0A1A0AL);
      png.readInt();
      assertThat(png.readInt()).as("IHDR").isEqualTo(0x49484452);
      assertThat(png.readInt()).as("width").isGreaterThanOrEqualTo(1000);
      assertThat(png.readInt()).as("height").isGreaterThanOrEqualTo(900);
    }
  }

  /** Drives {@code path} at {@code rate} per second for half a minute on its own thread. */
  private static Thread run(TestGateway gateway, String path, int connections, double rate) {
    LoadPlan plan = new LoadPlan(gateway.uri(path), "GET", List.of(), new byte[0], connections,
        0, Duration.ofSeconds(30), rate, Duration.ofSeconds(20), Duration.ZERO,
        Expectations.ANY, 4096);
    Thread thread = new Thread(() -> {
      try {
        new LoadRun(plan).run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "load " + path);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
