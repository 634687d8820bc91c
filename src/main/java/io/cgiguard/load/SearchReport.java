package io.cgiguard.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cgiguard.text.Escaping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reports of a {@code --find-max-rate} search: the figures of the step that set the maximum
 * (as {@link JsonReport} and {@link HtmlReport} write a plain run), with {@code max_rate_rps},
 * the objective and every step added.
 */
public final class SearchReport {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SearchReport() {}

  /** @return the JSON text */
  public static String json(RateSearch.Outcome outcome) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("max_rate_rps", outcome.maxRatePerSecond());
    root.put("slo", outcome.slo().text());
    List<Map<String, Object>> steps = new ArrayList<>();
    for (RateSearch.Step step : outcome.steps()) {
      LoadResult result = step.result();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rate_rps", step.ratePerSecond());
      row.put("held", step.held());
      row.put("broken_by", step.brokenBy().orElse(null));
      row.put("throughput_rps", result.throughputPerSecond());
      row.put("requests", result.requests());
      row.put("failed", result.failureCount());
      row.put("failure_rate", result.failureRate());
      row.put("failures", result.failures());
      Map<String, Object> latency = new LinkedHashMap<>();
      latency.put("p50", result.latencyMillisAt(50));
      latency.put("p90", result.latencyMillisAt(90));
      latency.put("p99", result.latencyMillisAt(99));
      latency.put("max", result.maxLatencyMillis());
      row.put("latency_ms", latency);
      steps.add(row);
    }
    root.put("steps", steps);
    root.putAll(JsonReport.figures(outcome.best().result()));
    return MAPPER.writeValueAsString(root);
  }

  /** @return the HTML page */
  public static String html(RateSearch.Outcome outcome) {
    StringBuilder lead = new StringBuilder();
    lead.append("<h2>Breaking point</h2><p>")
        .append(outcome.maxRatePerSecond() > 0
            ? String.format(Locale.ROOT, "Highest rate that held <b>%.1f/s</b>",
                outcome.maxRatePerSecond())
            : "No rate held")
        .append(" under <code>").append(Escaping.html(outcome.slo().text()))
        .append("</code>. The figures below are of that step.</p>\n")
        .append(MoreCharts.steps(outcome)).append('\n')
        .append("<table><tr><th>rate</th><th>held</th><th>throughput</th><th>p50 ms</th>")
        .append("<th>p99 ms</th><th>failures</th><th>broken by</th></tr>");
    for (RateSearch.Step step : outcome.steps()) {
      LoadResult result = step.result();
      lead.append(String.format(Locale.ROOT, "<tr><td class='n'>%.1f/s</td><td>%s</td>"
              + "<td class='n'>%.1f/s</td><td class='n'>%.1f</td><td class='n'>%.1f</td>"
              + "<td class='n'>%.3f %%</td><td>%s</td></tr>", step.ratePerSecond(),
          step.held() ? "yes" : "no", result.throughputPerSecond(), result.latencyMillisAt(50),
          result.latencyMillisAt(99), 100 * result.failureRate(),
          Escaping.html(step.brokenBy().orElse(""))));
    }
    lead.append("</table>\n");
    return HtmlReport.render(outcome.best().result(), lead.toString());
  }

  /** Writes {@link #json} to {@code file}. */
  public static void writeJson(RateSearch.Outcome outcome, Path file) throws IOException {
    Files.writeString(file, json(outcome), StandardCharsets.UTF_8);
  }

  /** Writes {@link #html} to {@code file}. */
  public static void writeHtml(RateSearch.Outcome outcome, Path file) throws IOException {
    Files.writeString(file, html(outcome), StandardCharsets.UTF_8);
  }
}
