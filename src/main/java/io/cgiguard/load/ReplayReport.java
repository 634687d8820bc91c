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
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A replay's report in text, JSON and HTML: the ordinary figures of the run, then what was read
 * from the logs (and what was not, and why), the URLs whose class of answer changed, and every
 * URL's old and new statuses.
 *
 * @param diff the run and the per-URL comparison
 * @param logged requests read from the logs
 * @param skippedMethods requests not sent, by method (unsafe methods not asked for)
 * @param malformed lines that could not be read
 * @param malformedExamples the first few of them, with their reasons
 * @param pace how the requests were paced, in words
 */
public record ReplayReport(ReplayDiff diff, long logged, SortedMap<String, Long> skippedMethods,
    long malformed, List<String> malformedExamples, String pace) {

  /** Per-URL lines in the text summary; JSON and HTML have them all. */
  static final int TEXT_URLS = 50;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ReplayReport {
    skippedMethods = new TreeMap<>(skippedMethods);
    malformedExamples = List.copyOf(malformedExamples);
  }

  /** @return how many logged requests were not sent */
  public long skipped() {
    return skippedMethods.values().stream().mapToLong(Long::longValue).sum();
  }

  /** @return the whole text summary, the run's figures first */
  public String text() {
    StringBuilder out = new StringBuilder(TextSummary.render(diff.figures()));
    line(out, "replay      %d logged request(s), %d sent (%s)", logged, logged - skipped(), pace);
    if (skipped() > 0) {
      line(out, "skipped     %d %s: only GET and HEAD are replayed unless --replay-methods "
          + "names more", skipped(), skippedMethods);
    }
    if (malformed > 0) {
      line(out, "malformed   %d log line(s) could not be read and were not replayed:", malformed);
      for (String example : malformedExamples) {
        line(out, "  %s", example);
      }
      if (malformed > malformedExamples.size()) {
        line(out, "  ... and %d more", malformed - malformedExamples.size());
      }
    }
    List<ReplayDiff.Url> changed = diff.changed();
    line(out, "changed     %d of %d URL(s) got another class of answer than the old server "
        + "logged", changed.size(), diff.urls().size());
    for (ReplayDiff.Url url : changed) {
      line(out, "  %s %s  %s", url.method(), url.target(), counts(url.changes()));
    }
    line(out, "per URL     old status -> new status");
    int shown = 0;
    for (ReplayDiff.Url url : diff.urls()) {
      if (shown++ == TEXT_URLS) {
        line(out, "  ... %d more URL(s) in the JSON and HTML reports",
            diff.urls().size() - TEXT_URLS);
        break;
      }
      line(out, "  %s %s  %s -> %s%s%s", url.method(), url.target(), counts(url.oldStatuses()),
          counts(url.newStatuses()), times(url), url.changed() ? "  CHANGED" : "");
    }
    return out.toString();
  }

  /** Writes the JSON report: the run's figures, with the replay under {@code replay}. */
  public void writeJson(Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), json());
  }

  Map<String, Object> json() {
    Map<String, Object> root = JsonReport.figures(diff.figures());
    Map<String, Object> replay = new LinkedHashMap<>();
    replay.put("pace", pace);
    replay.put("logged", logged);
    replay.put("sent", logged - skipped());
    replay.put("skipped", skippedMethods);
    replay.put("malformed_lines", malformed);
    replay.put("malformed_examples", malformedExamples);
    replay.put("changed", diff.changed().stream().map(ReplayReport::url).toList());
    replay.put("urls", diff.urls().stream().map(ReplayReport::url).toList());
    root.put("replay", replay);
    return root;
  }

  private static Map<String, Object> url(ReplayDiff.Url url) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("method", url.method());
    row.put("url", url.target());
    row.put("requests", url.requests());
    row.put("old_status", url.oldStatuses());
    row.put("new_status", url.newStatuses());
    row.put("changed", url.changed());
    row.put("changes", url.changes());
    row.put("old_time_taken_ms_mean", url.oldMeanMillis().isPresent()
        ? url.oldMeanMillis().getAsDouble() : null);
    row.put("new_latency_ms_mean", url.newMeanMillis().isPresent()
        ? url.newMeanMillis().getAsDouble() : null);
    return row;
  }

  /** {@code   time 15 ms -> 3.2 ms} when the old log had time-taken; empty otherwise. */
  static String times(ReplayDiff.Url url) {
    if (url.oldMeanMillis().isEmpty() || url.newMeanMillis().isEmpty()) {
      return "";
    }
    return String.format(Locale.ROOT, "  time %.0f ms -> %.1f ms", url.oldMeanMillis().getAsDouble(),
        url.newMeanMillis().getAsDouble());
  }

  /** Writes the HTML report: the run's page, with the replay's tables added. */
  public void writeHtml(Path file) throws IOException {
    Files.writeString(file, html(), StandardCharsets.UTF_8);
  }

  String html() {
    String page = HtmlReport.render(diff.figures());
    StringBuilder section = new StringBuilder("<h2>Replay</h2>\n<table>");
    row(section, "pace", pace);
    row(section, "logged requests", Long.toString(logged));
    row(section, "sent", Long.toString(logged - skipped()));
    row(section, "skipped (methods not replayed)", counts(skippedMethods));
    row(section, "malformed log lines", Long.toString(malformed));
    section.append("</table>\n");
    if (!malformedExamples.isEmpty()) {
      section.append("<ul class='malformed'>");
      for (String example : malformedExamples) {
        section.append("<li>").append(Escaping.html(example)).append("</li>");
      }
      section.append("</ul>\n");
    }
    List<ReplayDiff.Url> changed = diff.changed();
    section.append("<h2>URLs whose class of answer changed (").append(changed.size())
        .append(")</h2>\n");
    table(section, changed, "changed");
    section.append("<h2>Every URL: old status and new status</h2>\n");
    table(section, diff.urls(), "urls");
    int end = page.lastIndexOf("</body>");
    return page.substring(0, end) + section + page.substring(end);
  }

  private static void table(StringBuilder html, List<ReplayDiff.Url> urls, String id) {
    html.append("<table id='").append(id).append("'><tr><th>method</th><th>URL</th>")
        .append("<th>requests</th><th>old</th><th>new</th><th>changed</th>")
        .append("<th>mean time old / new</th></tr>");
    for (ReplayDiff.Url url : urls) {
      html.append("<tr").append(url.changed() ? " class='changed'" : "").append("><td>")
          .append(Escaping.html(url.method())).append("</td><td>")
          .append(Escaping.html(url.target())).append("</td><td class='n'>")
          .append(url.requests()).append("</td><td>")
          .append(Escaping.html(counts(url.oldStatuses()))).append("</td><td>")
          .append(Escaping.html(counts(url.newStatuses()))).append("</td><td>")
          .append(Escaping.html(counts(url.changes()))).append("</td><td>")
          .append(Escaping.html(times(url).replace("  time ", ""))).append("</td></tr>");
    }
    html.append("</table>\n");
  }

  private static void row(StringBuilder html, String name, String value) {
    html.append("<tr><td>").append(Escaping.html(name)).append("</td><td>")
        .append(Escaping.html(value)).append("</td></tr>");
  }

  /** {@code 200 (3), 404 (1)}. */
  static String counts(Map<String, Long> counts) {
    List<String> parts = new ArrayList<>();
    counts.forEach((key, count) -> parts.add(key + " (" + count + ")"));
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
