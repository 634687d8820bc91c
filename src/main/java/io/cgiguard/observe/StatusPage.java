package io.cgiguard.observe;

import static io.cgiguard.text.Escaping.html;
import static io.cgiguard.text.Escaping.htmlBlock;

import java.util.List;
import java.util.Map;

/**
 * Renders a {@link StatusSnapshot} as the HTML view of {@code /-/status}: the same facts as
 * {@link StatusJson}, for a person with a browser.
 *
 * <p>The page is self-contained (one inline style sheet, no scripts, images, fonts or links to
 * other origins), so it works under {@link #CONTENT_SECURITY_POLICY}. Every value that came from
 * outside the gateway (URLs, script names, stderr, request ids) passes through {@link io.cgiguard.text.Escaping};
 * only this class's own literals are written as markup.
 */
public final class StatusPage {

  /** The content type of {@link #render(StatusSnapshot)}. */
  public static final String CONTENT_TYPE = "text/html; charset=utf-8";

  /** The policy to send with the page: it needs nothing but its own inline style sheet. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'";

  private static final String STYLE =
      "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
          + "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}"
          + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;"
          + "text-align:left}td.n{text-align:right}"
          + ".closed{color:#070}.half-open{color:#a60}.open{color:#b00;font-weight:bold}"
          + "details{border:1px solid #ddd;margin:.4em 0;padding:.3em .6em}"
          + "summary{cursor:pointer}.kind{font-weight:bold;color:#b00}.muted{color:#777}"
          + "dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dd{margin:0}"
          + "pre{background:#f6f6f6;padding:.5em;overflow:auto;white-space:pre-wrap}";

  private StatusPage() {}

  /** @return the whole page */
  public static String render(StatusSnapshot status) {
    StringBuilder page = new StringBuilder(16 * 1024);
    page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width\">")
        .append("<meta name=\"referrer\" content=\"no-referrer\">")
        .append("<title>cgiguard status</title><style>")
        .append(STYLE)
        .append("</style></head><body>\n<h1>cgiguard ")
        .append(html(status.version()))
        .append("</h1>\n");
    overview(page, status);
    totals(page, status.totals());
    capacity(page, status.capacity());
    circuits(page, status.circuits());
    failures(page, status.recentFailures());
    return page.append("</body></html>\n").toString();
  }

  private static void overview(StringBuilder page, StatusSnapshot status) {
    LauncherView launcher = status.launcher();
    page.append("<table>\n");
    row(page, "Taken at", status.takenAt().toString());
    row(page, "Uptime", status.uptimeText());
    row(page, "Launcher", launcher.name());
    row(page, "Limits enforced", listed(launcher.enforcedLimits()));
    row(page, "Limits not enforced", listed(launcher.unenforcedLimits()));
    row(page, "Scripts running", String.valueOf(status.running()));
    row(page, "Requests queued", String.valueOf(status.queued()));
    page.append("</table>\n");
  }

  private static void totals(StringBuilder page, Totals totals) {
    page.append("<h2>Since start-up</h2>\n<table>\n");
    row(page, "Requests", String.valueOf(totals.requests()));
    row(page, "Answered by the script", String.valueOf(totals.ok()));
    row(page, "Failed", String.valueOf(totals.failed()));
    for (Map.Entry<String, Long> kind : totals.failuresByKind().entrySet()) {
      row(page, "\u2003" + kind.getKey(), String.valueOf(kind.getValue()));
    }
    row(page, "Retries", String.valueOf(totals.retries()));
    row(page, "Spawn failures", String.valueOf(totals.spawnFailures()));
    page.append("</table>\n");
  }

  private static void capacity(StringBuilder page, CapacityView capacity) {
    page.append("<h2>Capacity</h2>\n<table>\n");
    row(page, "Running limit",
        capacity.runningLimit() + " of " + capacity.maxRunning() + " scripts");
    row(page, "Lowest running limit", capacity.lowestRunningLimit() + " scripts");
    row(page, "Process shortage", capacity.shortage() ? "now: " + capacity.cause()
        : capacity.episodes() == 0 ? "none" : "over; the latest: " + capacity.cause());
    row(page, "Shortage episodes", String.valueOf(capacity.episodes()));
    for (CapacityView.Headroom bound : capacity.bounds()) {
      row(page, bound.name(), bound.resource().equals("memory")
          ? (bound.headroom() >> 20) + " MiB free of " + (bound.limit() >> 20) + " MiB"
          : bound.headroom() + " tasks free of " + bound.limit());
    }
    page.append("</table>\n");
  }

  static void circuits(StringBuilder page, List<CircuitView> circuits) {
    page.append("<h2>Circuits</h2>\n");
    if (circuits.isEmpty()) {
      page.append("<p class=\"muted\">No script has been run yet.</p>\n");
      return;
    }
    page.append("<table>\n<tr><th>Script</th><th>State</th><th>Failures</th>")
        .append("<th>Requests</th></tr>\n");
    for (CircuitView circuit : circuits) {
      // The class comes from the enum's own label, never from outside, so it may be markup.
      page.append("<tr><td>")
          .append(html(circuit.script()))
          .append("</td><td class=\"")
          .append(circuit.state().label())
          .append("\">")
          .append(circuit.state().label())
          .append("</td><td class=\"n\">")
          .append(circuit.failures())
          .append("</td><td class=\"n\">")
          .append(circuit.requests())
          .append("</td></tr>\n");
    }
    page.append("</table>\n");
  }

  private static void failures(StringBuilder page, List<FailureRecord> failures) {
    page.append("<h2>Recent failures</h2>\n");
    if (failures.isEmpty()) {
      page.append("<p class=\"muted\">None.</p>\n");
      return;
    }
    failures.forEach(failure -> failure(page, failure));
  }

  static void failure(StringBuilder page, FailureRecord failure) {
    String status = failure.status() == 0 ? "aborted" : String.valueOf(failure.status());
    page.append("<details><summary>")
        .append(html(failure.at().toString()))
        .append(" <span class=\"kind\">")
        .append(html(failure.kind()))
        .append("</span> ")
        .append(html(status))
        .append(" \u00b7 ")
        .append(html(failure.method()))
        .append(' ')
        .append(html(failure.path()))
        .append("</summary>\n<dl>");
    term(page, "Request id", failure.requestId());
    term(page, "Script", failure.script());
    term(page, "Attempts", String.valueOf(failure.attempts()));
    term(page, "What happened", failure.summary());
    term(page, "Exit", failure.exit());
    term(page, "Cause", failure.causeTitle());
    term(page, "Fix", failure.causeFix());
    page.append("</dl>\n");
    if (failure.stderrTail().isEmpty()) {
      page.append("<p class=\"muted\">Nothing on stderr.</p>\n");
    } else {
      page.append("<p>End of stderr:</p><pre>").append(htmlBlock(failure.stderrTail())).append("</pre>\n");
    }
    page.append("</details>\n");
  }

  private static void term(StringBuilder page, String name, String value) {
    if (!value.isEmpty()) {
      page.append("<dt>").append(name).append("</dt><dd>").append(html(value)).append("</dd>");
    }
  }

  static void row(StringBuilder page, String name, String value) {
    page.append("<tr><th>")
        .append(html(name))
        .append("</th><td>")
        .append(html(value))
        .append("</td></tr>\n");
  }

  static String listed(List<String> values) {
    return values.isEmpty() ? "none" : String.join(", ", values);
  }
}
