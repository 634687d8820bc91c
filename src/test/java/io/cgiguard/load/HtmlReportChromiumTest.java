package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report of a real run in headless Chromium and checks that every chart was
 * laid out with a non-empty drawing: the page's probe script writes each chart's series length
 * and on-page height into the DOM that Chromium dumps.
 */
class HtmlReportChromiumTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Pattern RENDERED =
      Pattern.compile("<svg id=\"([a-z-]+)\"[^>]*data-rendered=\"(\\d+)x(\\d+)\"");

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void everyChartRendersInABrowser() throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      fail("headless Chromium is needed at " + CHROMIUM
          + "; install it with test-scripts/ensure-chromium.sh (apt-get install -y chromium)");
    }
    Path report = dir.resolve("report.html");
    HtmlReport.write(runHalfFailing(), report);

    String dom = dumpDom(report);

    Matcher charts = RENDERED.matcher(dom);
    int rendered = 0;
    while (charts.find()) {
      assertThat(Integer.parseInt(charts.group(2))).as(charts.group(1)).isPositive();
      assertThat(Integer.parseInt(charts.group(3))).as(charts.group(1)).isPositive();
      rendered++;
    }
    assertThat(rendered).as("charts with a rendered size in:\n" + dom).isEqualTo(3);
    assertThat(dom).contains("class=\"failures\"").contains("nginx-bad-gateway");
  }

  /** Two seconds at 100/s against a server whose every other answer is nginx's 502. */
  private static LoadResult runHalfFailing() throws Exception {
    AtomicInteger served = new AtomicInteger();
    try (RawServer server = new RawServer((out, in) -> {
      String answer = served.incrementAndGet() % 2 == 0
          ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
          : "HTTP/1.1 502 Bad Gateway\r\nContent-Length: " + ForeignPages.NGINX_502.length()
              + "\r\n\r\n" + ForeignPages.NGINX_502;
      out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
      return true;
    })) {
      LoadPlan plan = new LoadPlan(URI.create(server.url()), "GET", List.of(), new byte[0], 2, 0,
          Duration.ofSeconds(2), 100, Duration.ofSeconds(5), Duration.ZERO, Expectations.ANY,
          4096);
      return new LoadRun(plan).run();
    }
  }

  private String dumpDom(Path report) throws IOException, InterruptedException {
    Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--user-data-dir=" + dir.resolve("profile"),
        "--dump-dom", report.toUri().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).as("chromium exited").isTrue();
      return dom;
    } finally {
      chromium.destroyForcibly();
    }
  }
}
