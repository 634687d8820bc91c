package io.cgiguard.observe;

import static io.cgiguard.text.Escaping.html;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Renders the operator's dashboard at {@code /-/}: the same facts as {@code /-/status} plus
 * requests and failures per second, latency by script and the processes running now. The page is
 * complete as served, so it reads without JavaScript; {@code dashboard.js} (from the jar, never
 * another origin) then redraws it from {@code /-/dashboard.json} every second.
 *
 * <p>Under {@link #CONTENT_SECURITY_POLICY} nothing inline runs or styles: the script and the
 * style sheet are files of this origin, and colours are SVG attributes. Every value from outside
 * passes through {@link io.cgiguard.text.Escaping}, and the recent failures are the status page's
 * own markup.
 */
public final class DashboardPage {

  /** The policy sent with the page, its script, style sheet and JSON. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; "
      + "style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; "
      + "form-action 'none'; frame-ancestors 'none'";

  /** How many recent failures the dashboard lists; the status page has the rest. */
  static final int SHOWN_FAILURES = 20;

  private DashboardPage() {}

  /** @return the whole page */
  public static String render(DashboardSnapshot dashboard) {
    StatusSnapshot status = dashboard.status();
    StringBuilder page = new StringBuilder(32 * 1024);
    page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width\">")
        .append("<meta name=\"referrer\" content=\"no-referrer\">")
        .append("<title>cgiguard dashboard</title>")
        .append("<link rel=\"icon\" href=\"/-/dashboard.svg\">")
        .append("<link rel=\"stylesheet\" href=\"/-/dashboard.css\">")
        .append("<script src=\"/-/dashboard.js\" defer></script></head><body>\n")
        .append("<header><h1>cgiguard <span id=\"version\">").append(html(status.version()))
        .append("</span></h1><p><span id=\"live\" class=\"static\">static page; reload for new")
        .append(" figures</span> \u00b7 up <span id=\"uptime\">").append(html(status.uptimeText()))
        .append("</span> \u00b7 taken <span id=\"taken\">")
        .append(html(status.takenAt().toString())).append("</span></p></header>\n");
    LiveSeries.View recent = dashboard.live().recent();
    page.append("<section><h2>Requests per second</h2>\n")
        .append(DashboardChart.requests(recent))
        .append("\n<h2>Failures per second by kind</h2>\n")
        .append(DashboardChart.failures(recent)).append("\n<p id=\"totals\">")
        .append(html(totals(status.totals()))).append("</p></section>\n");
    scripts(page, dashboard.live().scripts());
    running(page, dashboard);
    page.append("<section><div id=\"circuits\">");
    StatusPage.circuits(page, status.circuits());
    page.append("</div></section>\n<section><h2>Last failures</h2><div id=\"failures\">");
    failures(page, status.recentFailures());
    page.append("</div><p class=\"muted\">The last ").append(SHOWN_FAILURES)
        .append("; <a href=\"/-/status\">/-/status</a> keeps more.</p></section>\n");
    page.append("<p class=\"muted\">The same facts as JSON: ")
        .append("<a href=\"/-/dashboard.json\">dashboard.json</a>, ")
        .append("<a href=\"/-/status\">status</a>, <a href=\"/-/metrics\">metrics</a>.</p>\n");
    return page.append("</body></html>\n").toString();
  }

  /** @return the last {@link #SHOWN_FAILURES} failures, newest first, marked up as on /-/status */
  static String failures(List<FailureRecord> failures) {
    StringBuilder out = new StringBuilder();
    failures(out, failures);
    return out.toString();
  }

  private static void failures(StringBuilder page, List<FailureRecord> failures) {
    if (failures.isEmpty()) {
      page.append("<p class=\"muted\">None.</p>\n");
      return;
    }
    failures.stream().limit(SHOWN_FAILURES).forEach(failure -> StatusPage.failure(page, failure));
  }

  static String totals(Totals totals) {
    return String.format(Locale.ROOT, "Since start-up: %d requests, %d failed, %d retries, "
        + "%d spawn failures.", totals.requests(), totals.failed(), totals.retries(),
        totals.spawnFailures());
  }

  private static void scripts(StringBuilder page, List<LiveSeries.ScriptLatency> scripts) {
    page.append("<section><h2>Scripts, most failures first</h2><div id=\"scripts\">");
    page.append(scriptTable(scripts)).append("</div></section>\n");
  }

  static String scriptTable(List<LiveSeries.ScriptLatency> scripts) {
    if (scripts.isEmpty()) {
      return "<p class=\"muted\">No script has been run yet.</p>";
    }
    StringBuilder table = new StringBuilder("<table><tr><th>Script</th><th>Requests</th>"
        + "<th>Failures</th><th>p50 ms</th><th>p99 ms</th></tr>");
    for (LiveSeries.ScriptLatency script : scripts) {
      table.append("<tr><td>").append(html(script.script())).append("</td><td class=\"n\">")
          .append(script.requests()).append("</td><td class=\"n")
          .append(script.failures() > 0 ? " bad" : "").append("\">").append(script.failures())
          .append("</td><td class=\"n\">").append(millis(script.p50Millis()))
          .append("</td><td class=\"n\">").append(millis(script.p99Millis()))
          .append("</td></tr>");
    }
    return table.append("</table>").toString();
  }

  private static void running(StringBuilder page, DashboardSnapshot dashboard) {
    page.append("<section><h2>Running now</h2><p id=\"occupancy\">")
        .append(html(occupancy(dashboard))).append("</p><div id=\"running\">")
        .append(runningTable(dashboard.running())).append("</div></section>\n");
  }

  static String occupancy(DashboardSnapshot dashboard) {
    StatusSnapshot status = dashboard.status();
    return String.format(Locale.ROOT, "%d running of at most %d (%d per script); %d queued of at"
        + " most %d.", status.running(), dashboard.maxRunning(), dashboard.maxPerScript(),
        status.queued(), dashboard.queueLimit());
  }

  static String runningTable(List<RunningScript> running) {
    if (running.isEmpty()) {
      return "<p class=\"muted\">Nothing is running.</p>";
    }
    StringBuilder table = new StringBuilder("<table><tr><th>PID</th><th>Script</th><th>Age</th>"
        + "<th>CPU</th><th>State</th></tr>");
    for (RunningScript script : running) {
      table.append("<tr><td class=\"n\">").append(script.pid()).append("</td><td>")
          .append(html(script.script())).append("</td><td class=\"n\">")
          .append(seconds(script.age())).append("</td><td class=\"n\">")
          .append(seconds(script.cpu())).append("</td><td>")
          .append(script.state().label()).append("</td></tr>");
    }
    return table.append("</table>").toString();
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
  }

  private static String millis(double millis) {
    return String.format(Locale.ROOT, "%.1f", millis);
  }
}
