package io.cgiguard.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes every figure of a {@link LoadResult} as JSON for machines: CI gates and the comparison
 * with the gateway's own {@code /-/metrics}. Failure categories are the keys of {@code failures};
 * the gateway's kinds appear as {@code cgiguard-<kind>}, so they line up with its counters.
 *
 * <p>Latencies are in milliseconds ({@code latency_ms}), rates per second.
 */
public final class JsonReport {

  /** The percentiles of the {@code latency_percentiles} table, which the HTML chart also plots. */
  static final double[] CHART_PERCENTILES =
      {0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100};

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  /** Writes {@code result} to {@code file}, replacing it. */
  public static void write(LoadResult result, Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), figures(result));
  }

  /** @return the JSON text of {@code result} */
  public static String render(LoadResult result) throws IOException {
    return MAPPER.writeValueAsString(figures(result));
  }

  static Map<String, Object> figures(LoadResult result) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("target", result.target());
    root.put("mode", result.mode());
    root.put("connections", result.connections());
    root.put("rate_rps", result.ratePerSecond() > 0 ? result.ratePerSecond() : null);
    root.put("elapsed_s", result.elapsed().toNanos() / 1e9);
    root.put("requests", result.requests());
    root.put("ok", result.ok());
    root.put("failed", result.failureCount());
    root.put("failure_rate", result.failureRate());
    root.put("failures", result.failures());
    root.put("throughput_rps", result.throughputPerSecond());
    root.put("latency_ms", latency(result));
    root.put("latency_percentiles", percentiles(result));
    root.put("per_second", perSecond(result));
    root.put("failures_per_second", result.failuresPerSecondByKind());
    root.put("reconnects", reconnects(result.reconnects()));
    root.put("gateway_attempts", attempts(result.gatewayAttempts()));
    Map<String, Object> histogram = new LinkedHashMap<>();
    histogram.put("unit", "microseconds");
    histogram.put("encoding", HistogramCodec.ENCODING);
    histogram.put("data", HistogramCodec.encode(result.latencyMicros()));
    root.put("latency_histogram", histogram);
    return root;
  }

  private static Map<String, Object> latency(LoadResult result) {
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("count", result.latencyMicros().getTotalCount());
    latency.put("mean", result.meanLatencyMillis());
    latency.put("p50", result.latencyMillisAt(50));
    latency.put("p90", result.latencyMillisAt(90));
    latency.put("p99", result.latencyMillisAt(99));
    latency.put("p999", result.latencyMillisAt(99.9));
    latency.put("max", result.maxLatencyMillis());
    return latency;
  }

  private static Map<String, Object> reconnects(Reconnects reconnects) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("count", reconnects.count());
    node.put("first_attempt", reconnects.firstAttempt());
    return node;
  }

  private static Map<String, Object> attempts(GatewayAttempts attempts) {
    if (attempts.responses() == 0) {
      return null;
    }
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("ok_first_try", attempts.okFirstTry());
    node.put("ok_after_retry", attempts.okAfterRetry());
    node.put("failed", attempts.failed());
    node.put("attempts", attempts.attempts());
    node.put("failed_attempts", attempts.failedAttempts());
    node.put("attempt_failure_rate", attempts.attemptFailureRate());
    node.put("response_failure_rate", attempts.responseFailureRate());
    return node;
  }

  private static List<Map<String, Object>> percentiles(LoadResult result) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (double percentile : CHART_PERCENTILES) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("percentile", percentile);
      row.put("latency_ms", result.latencyMillisAt(percentile));
      rows.add(row);
    }
    return rows;
  }

  private static List<Map<String, Object>> perSecond(LoadResult result) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int s = 0; s < result.requestsPerSecond().size(); s++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("second", s + 1);
      row.put("requests", result.requestsPerSecond().get(s));
      row.put("failures", result.failuresPerSecond().get(s));
      rows.add(row);
    }
    return rows;
  }
}
