package io.cgiguard.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Combines runs taken at the same time on several machines into one result, from their JSON
 * reports: counts add up, latency percentiles come from the sum of their histograms (exact to
 * the histogram's precision, not an average of percentiles), and second {@code n} of every run
 * adds into second {@code n} of the whole.
 */
public final class LoadMerge {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private LoadMerge() {}

  /**
   * @return the run a JSON report describes
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a report of {@code cgiguard load --json}
   */
  public static LoadResult read(Path file) throws IOException {
    JsonNode root = MAPPER.readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": not a JSON object");
    }
    JsonNode histogram = root.path("latency_histogram");
    if (!HistogramCodec.ENCODING.equals(histogram.path("encoding").asText())) {
      throw new IllegalArgumentException(file + ": no latency_histogram; was it written by"
          + " cgiguard load --json?");
    }
    Histogram latency;
    try {
      latency = HistogramCodec.decode(histogram.path("data").asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    TreeMap<String, Long> failures = new TreeMap<>();
    root.path("failures").properties().forEach(f -> failures.put(f.getKey(),
        f.getValue().asLong()));
    List<Long> perSecond = new ArrayList<>();
    List<Long> failedPerSecond = new ArrayList<>();
    for (JsonNode row : root.path("per_second")) {
      perSecond.add(row.path("requests").asLong());
      failedPerSecond.add(row.path("failures").asLong());
    }
    TreeMap<String, List<Long>> byKind = new TreeMap<>();
    root.path("failures_per_second").properties().forEach(kind -> {
      List<Long> series = new ArrayList<>();
      kind.getValue().forEach(n -> series.add(n.asLong()));
      byKind.put(kind.getKey(), series);
    });
    TreeMap<String, Long> firstAttempts = new TreeMap<>();
    JsonNode reconnects = root.path("reconnects");
    reconnects.path("first_attempt").properties().forEach(f -> firstAttempts.put(f.getKey(),
        f.getValue().asLong()));
    JsonNode attempts = root.path("gateway_attempts");
    GatewayAttempts gateway = attempts.isObject()
        ? new GatewayAttempts(attempts.path("ok_first_try").asLong(),
            attempts.path("ok_after_retry").asLong(), attempts.path("failed").asLong(),
            attempts.path("attempts").asLong(), attempts.path("failed_attempts").asLong())
        : GatewayAttempts.NONE;
    return new LoadResult(root.path("target").asText(), root.path("mode").asText(),
        root.path("connections").asInt(), root.path("rate_rps").asDouble(0),
        Duration.ofNanos((long) (root.path("elapsed_s").asDouble() * 1e9)),
        root.path("requests").asLong(), root.path("ok").asLong(), failures, latency, perSecond,
        failedPerSecond, byKind, new Reconnects(reconnects.path("count").asLong(), firstAttempts),
        gateway);
  }

  /** @return one result for runs that ran side by side; {@code runs} must not be empty */
  public static LoadResult merge(List<LoadResult> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge");
    }
    Set<String> targets = new LinkedHashSet<>();
    Set<String> modes = new LinkedHashSet<>();
    Histogram latency = new Histogram(WorkerTally.HIGHEST_MICROS, 3);
    TreeMap<String, Long> failures = new TreeMap<>();
    TreeMap<String, List<Long>> byKind = new TreeMap<>();
    List<Long> perSecond = new ArrayList<>();
    List<Long> failedPerSecond = new ArrayList<>();
    Reconnects reconnects = Reconnects.NONE;
    GatewayAttempts attempts = GatewayAttempts.NONE;
    Duration elapsed = Duration.ZERO;
    int connections = 0;
    double rate = 0;
    long requests = 0;
    long ok = 0;
    for (LoadResult run : runs) {
      targets.add(run.target());
      modes.add(run.mode());
      latency.add(run.latencyMicros());
      run.failures().forEach((kind, n) -> failures.merge(kind, n, Long::sum));
      addInto(perSecond, run.requestsPerSecond());
      addInto(failedPerSecond, run.failuresPerSecond());
      for (Map.Entry<String, List<Long>> kind : run.failuresPerSecondByKind().entrySet()) {
        addInto(byKind.computeIfAbsent(kind.getKey(), k -> new ArrayList<>()), kind.getValue());
      }
      reconnects = reconnects.plus(run.reconnects());
      attempts = attempts.plus(run.gatewayAttempts());
      // Side by side: the whole took as long as the longest run.
      elapsed = run.elapsed().compareTo(elapsed) > 0 ? run.elapsed() : elapsed;
      connections += run.connections();
      rate += run.ratePerSecond();
      requests += run.requests();
      ok += run.ok();
    }
    // A kind seen only in a shorter run still spans every second of the whole.
    int seconds = perSecond.size();
    byKind.values().forEach(series -> {
      while (series.size() < seconds) {
        series.add(0L);
      }
    });
    return new LoadResult(String.join(" + ", targets),
        modes.size() == 1 ? modes.iterator().next() : "mixed", connections, rate, elapsed,
        requests, ok, failures, latency, perSecond, failedPerSecond, byKind, reconnects,
        attempts);
  }

  private static void addInto(List<Long> sum, List<Long> series) {
    for (int i = 0; i < series.size(); i++) {
      if (i < sum.size()) {
        sum.set(i, sum.get(i) + series.get(i));
      } else {
        sum.add(series.get(i));
      }
    }
  }
}
