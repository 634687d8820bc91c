package io.cgiguard.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cgiguard.text.Escaping;
import io.cgiguard.text.Json;
import java.util.Map;

/**
 * The dashboard's figures as JSON, which {@code dashboard.js} reads each second from {@code
 * /-/dashboard.json}. Tables that hold text from outside (script names, URLs, stderr) are sent
 * as markup the server escaped with {@link Escaping}, the same markup the page is served with,
 * so the browser never escapes anything itself; the series are plain numbers.
 */
public final class DashboardJson {

  /** The content type of {@link #render}. */
  public static final String CONTENT_TYPE = "application/json";

  private DashboardJson() {}

  /** @return the dashboard as a JSON document */
  public static String render(DashboardSnapshot dashboard) {
    StatusSnapshot status = dashboard.status();
    LiveSeries.View live = dashboard.live().recent();
    ObjectNode root = Json.object();
    root.put("takenAt", status.takenAt().toString());
    root.put("uptime", status.uptimeText());
    root.put("version", status.version());
    root.put("running", status.running());
    root.put("queued", status.queued());
    root.putObject("limits").put("maxRunning", dashboard.maxRunning())
        .put("maxPerScript", dashboard.maxPerScript()).put("queue", dashboard.queueLimit());
    ObjectNode series = root.putObject("series");
    series.put("firstSecond", live.seconds().isEmpty() ? 0
        : live.seconds().get(0).epochSecond());
    ArrayNode requests = series.putArray("requests");
    live.seconds().forEach(second -> requests.add(second.requests()));
    ObjectNode failures = series.putObject("failures");
    for (Map.Entry<String, long[]> kind : live.failuresByKind().entrySet()) {
      ArrayNode counts = failures.putArray(kind.getKey());
      for (long n : kind.getValue()) {
        counts.add(n);
      }
    }
    ArrayNode scripts = root.putArray("scripts");
    live.scripts().forEach(script -> scripts.addObject().put("script", script.script())
        .put("requests", script.requests()).put("failures", script.failures())
        .put("p50Ms", script.p50Millis()).put("p99Ms", script.p99Millis()));
    ArrayNode processes = root.putArray("processes");
    dashboard.running().forEach(process -> processes.addObject().put("pid", process.pid())
        .put("script", process.script()).put("ageSeconds", process.age().toNanos() / 1e9)
        .put("cpuSeconds", process.cpu().toNanos() / 1e9).put("state", process.state().label()));
    ObjectNode html = root.putObject("html");
    html.put("totals", Escaping.html(DashboardPage.totals(status.totals())));
    html.put("scripts", DashboardPage.scriptTable(live.scripts()));
    html.put("occupancy", Escaping.html(DashboardPage.occupancy(dashboard)));
    html.put("running", DashboardPage.runningTable(dashboard.running()));
    StringBuilder circuits = new StringBuilder();
    StatusPage.circuits(circuits, status.circuits());
    html.put("circuits", circuits.toString());
    html.put("failures", DashboardPage.failures(status.recentFailures()));
    ArrayNode ids = root.putArray("failureIds");
    status.recentFailures().forEach(failure -> ids.add(failure.requestId()));
    return Json.write(root);
  }
}
