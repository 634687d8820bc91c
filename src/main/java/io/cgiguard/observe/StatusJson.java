package io.cgiguard.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cgiguard.text.Json;

/**
 * Renders a {@link StatusSnapshot} as the JSON document of {@code /-/status}. Field names are
 * camelCase; failure kinds and circuit states are the lower-case labels used in headers and
 * metrics; instants are ISO-8601 in UTC.
 */
public final class StatusJson {

  /** The content type of {@link #render(StatusSnapshot)}. */
  public static final String CONTENT_TYPE = "application/json";

  private StatusJson() {}

  /** @return the snapshot as a JSON document */
  public static String render(StatusSnapshot status) {
    ObjectNode root = Json.object();
    root.put("takenAt", status.takenAt().toString());
    root.put("uptimeSeconds", status.uptime().getSeconds());
    root.put("uptime", status.uptimeText());
    root.put("version", status.version());
    root.set("launcher", launcher(status.launcher()));
    root.put("running", status.running());
    root.put("queued", status.queued());
    root.set("capacity", capacity(status.capacity()));
    ArrayNode circuits = root.putArray("circuits");
    for (CircuitView circuit : status.circuits()) {
      circuits.addObject()
          .put("script", circuit.script())
          .put("state", circuit.state().label())
          .put("failures", circuit.failures())
          .put("requests", circuit.requests());
    }
    root.set("totals", totals(status.totals()));
    ArrayNode failures = root.putArray("recentFailures");
    status.recentFailures().forEach(failure -> failures.add(failure(failure)));
    return Json.write(root);
  }

  /**
   * @return one failure record as a JSON object, the same shape as in {@code recentFailures}, for
   *     a diagnostic page that wants to show the same facts
   */
  public static String render(FailureRecord failure) {
    return Json.write(failure(failure));
  }

  private static ObjectNode capacity(CapacityView capacity) {
    ObjectNode node = Json.object()
        .put("runningLimit", capacity.runningLimit())
        .put("maxRunning", capacity.maxRunning())
        .put("lowestRunningLimit", capacity.lowestRunningLimit())
        .put("shortage", capacity.shortage())
        .put("cause", capacity.cause())
        .put("episodes", capacity.episodes());
    ArrayNode bounds = node.putArray("bounds");
    for (CapacityView.Headroom bound : capacity.bounds()) {
      bounds.addObject()
          .put("name", bound.name())
          .put("resource", bound.resource())
          .put("limit", bound.limit())
          .put("used", bound.used())
          .put("headroom", bound.headroom());
    }
    return node;
  }

  private static ObjectNode launcher(LauncherView launcher) {
    ObjectNode node = Json.object().put("name", launcher.name());
    launcher.enforcedLimits().forEach(node.putArray("enforcedLimits")::add);
    launcher.unenforcedLimits().forEach(node.putArray("unenforcedLimits")::add);
    return node;
  }

  private static ObjectNode totals(Totals totals) {
    ObjectNode node =
        Json.object()
            .put("requests", totals.requests())
            .put("ok", totals.ok())
            .put("failed", totals.failed())
            .put("retries", totals.retries())
            .put("spawnFailures", totals.spawnFailures());
    ObjectNode byKind = node.putObject("failuresByKind");
    totals.failuresByKind().forEach(byKind::put);
    return node;
  }

  private static ObjectNode failure(FailureRecord failure) {
    ObjectNode node =
        Json.object()
            .put("at", failure.at().toString())
            .put("requestId", failure.requestId())
            .put("method", failure.method())
            .put("path", failure.path())
            .put("script", failure.script())
            .put("kind", failure.kind())
            .put("status", failure.status())
            .put("attempts", failure.attempts())
            .put("summary", failure.summary());
    node.putObject("cause").put("title", failure.causeTitle()).put("fix", failure.causeFix());
    return node.put("stderrTail", failure.stderrTail()).put("exit", failure.exit());
  }
}
