package io.cgiguard.load;

import io.cgiguard.text.Escaping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link LoadResult} as one self-contained HTML page (inline SVG and CSS, no network)
 * that a person opens in a browser: the figures, the failures by category, a latency-percentile
 * chart and a throughput and failures over time chart. Every text from outside (the target, the
 * categories) is escaped.
 */
public final class HtmlReport {

  // After layout, each chart records the length of its drawn series and its height on the page,
  // so that a headless browser's DOM dump shows whether the charts really rendered.
  private static final String RENDER_PROBE = """
      <script>
      window.addEventListener('load', function () {
        document.querySelectorAll('svg').forEach(function (svg) {
          var series = svg.querySelector('.series');
          var length = series ? series.getTotalLength() : 0;
          var height = svg.getBoundingClientRect().height;
          svg.setAttribute('data-rendered', Math.round(length) + 'x' + Math.round(height));
        });
      });
      </script>
      """;

  private static final String STYLE = """
      <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
      table { border-collapse: collapse; margin-bottom: 1.5em; }
      td, th { padding: 2px 12px; text-align: left; border-bottom: 1px solid #ddd; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; }
      svg text { font-size: 11px; fill: #444; }
      svg .frame { fill: #fafafa; stroke: #999; }
      svg .grid { stroke: #e4e4e4; }
      svg .series { fill: none; stroke-width: 2; }
      svg .latency { stroke: #1f5fbf; }
      svg .throughput { stroke: #2a8a3a; }
      svg .point { fill: #1f5fbf; }
      svg .failures { fill: #d33; opacity: 0.8; }
      </style>
      """;

  private HtmlReport() {}

  /** Writes the page to {@code file}, replacing it. */
  public static void write(LoadResult result, Path file) throws IOException {
    Files.writeString(file, render(result), StandardCharsets.UTF_8);
  }

  /** @return the whole page */
  public static String render(LoadResult result) {
    return render(result, "");
  }

  /** @return the whole page with {@code lead}, markup of this package, before the figures */
  static String render(LoadResult result, String lead) {
    StringBuilder html = new StringBuilder(32 * 1024);
    html.append("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>")
        .append("<title>cgiguard load: ").append(Escaping.html(result.target())).append("</title>")
        .append(STYLE).append("</head><body>\n");
    html.append("<h1>cgiguard load</h1><p>").append(Escaping.html(result.target())).append(" &middot; ")
        .append(Escaping.html(result.mode())).append(" loop &middot; ").append(result.connections())
        .append(" connections</p>\n");
    html.append(lead);
    figures(html, result);
    hidden(html, result);
    html.append("<h2>Latency by percentile</h2>\n").append(SvgCharts.latencyByPercentile(result));
    html.append("\n<h2>Throughput and failures over time</h2>\n")
        .append(SvgCharts.throughputOverTime(result));
    html.append('\n').append(RENDER_PROBE).append("</body></html>\n");
    return html.toString();
  }

  private static void figures(StringBuilder html, LoadResult result) {
    html.append("<table>");
    row(html, "requests", Long.toString(result.requests()));
    row(html, "ok", Long.toString(result.ok()));
    row(html, "failures", format("%d (%.3f %%)", result.failureCount(),
        100 * result.failureRate()));
    row(html, "throughput", format("%.1f requests/s", result.throughputPerSecond()));
    row(html, "elapsed", format("%.2f s", result.elapsed().toNanos() / 1e9));
    for (double p : new double[] {50, 90, 99, 99.9}) {
      row(html, "latency p" + format("%s", p).replaceAll("\\.0$", ""),
          format("%.3f ms", result.latencyMillisAt(p)));
    }
    row(html, "latency max", format("%.3f ms", result.maxLatencyMillis()));
    html.append("</table>\n");
    if (!result.failures().isEmpty()) {
      html.append("<h2>Failures by category</h2><table><tr><th>category</th><th>count</th></tr>");
      for (Map.Entry<String, Long> failure : result.failures().entrySet()) {
        row(html, failure.getKey(), Long.toString(failure.getValue()));
      }
      html.append("</table>\n");
    }
  }

  /** What retries and reconnects hid, when there was anything. */
  private static void hidden(StringBuilder html, LoadResult result) {
    Reconnects reconnects = result.reconnects();
    if (reconnects.count() > 0) {
      html.append("<h2>Sent again after an idle connection closed</h2><table>");
      row(html, "requests sent again", Long.toString(reconnects.count()));
      reconnects.firstAttempt().forEach((kind, n) ->
          row(html, "first attempt " + kind, Long.toString(n)));
      html.append("</table>\n");
    }
    GatewayAttempts attempts = result.gatewayAttempts();
    if (attempts.responses() > 0) {
      html.append("<h2>What the gateway's retries hid</h2>\n")
          .append(MoreCharts.attempts(attempts)).append('\n');
    }
    if (!result.failuresPerSecondByKind().isEmpty()) {
      html.append("<h2>Failures per second by kind</h2>\n")
          .append(MoreCharts.failuresByKindOverTime(result)).append('\n');
    }
  }

  private static void row(StringBuilder html, String name, String value) {
    html.append("<tr><td>").append(Escaping.html(name)).append("</td><td class='n'>")
        .append(Escaping.html(value)).append("</td></tr>");
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
