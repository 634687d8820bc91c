package io.cgiguard.load;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The figures of a finished run: counts, failures by category, the latency histogram (in
 * microseconds) and what completed in each second. Renderers ({@link TextSummary},
 * {@link JsonReport}, {@link HtmlReport}) read only this.
 *
 * @param target what was driven: a URL, or {@code direct:} and a script
 * @param mode {@code closed}, {@code open} or {@code direct}
 * @param connections concurrent connections (or scripts at a time, in direct mode)
 * @param ratePerSecond the open-loop rate, 0 for a closed loop
 * @param elapsed the measured time, warmup excluded
 * @param requests how many requests were measured
 * @param ok how many of them succeeded
 * @param failures failure category to count, sorted by name
 * @param latencyMicros every recorded latency, in microseconds
 * @param requestsPerSecond responses completed in each whole second of the run
 * @param failuresPerSecond failures among them
 * @param failuresPerSecondByKind failures of each category in each second, the same length
 * @param reconnects requests sent again after an idle keep-alive connection closed on them
 * @param gatewayAttempts what {@code X-Cgiguard-Attempts} told about the retries behind them
 */
public record LoadResult(
    String target,
    String mode,
    int connections,
    double ratePerSecond,
    Duration elapsed,
    long requests,
    long ok,
    SortedMap<String, Long> failures,
    Histogram latencyMicros,
    List<Long> requestsPerSecond,
    List<Long> failuresPerSecond,
    SortedMap<String, List<Long>> failuresPerSecondByKind,
    Reconnects reconnects,
    GatewayAttempts gatewayAttempts) {

  public LoadResult {
    failures = Collections.unmodifiableSortedMap(new TreeMap<>(failures));
    requestsPerSecond = List.copyOf(requestsPerSecond);
    failuresPerSecond = List.copyOf(failuresPerSecond);
    TreeMap<String, List<Long>> byKind = new TreeMap<>();
    failuresPerSecondByKind.forEach((kind, series) -> byKind.put(kind, List.copyOf(series)));
    failuresPerSecondByKind = Collections.unmodifiableSortedMap(byKind);
    Objects.requireNonNull(reconnects, "reconnects");
    Objects.requireNonNull(gatewayAttempts, "gatewayAttempts");
  }

  /** @return how many requests failed, whatever the category */
  public long failureCount() {
    return requests - ok;
  }

  /** @return failures per request, 0 to 1; 0 for a run without requests */
  public double failureRate() {
    return requests == 0 ? 0 : (double) failureCount() / requests;
  }

  /** @return completed requests per second of measured time */
  public double throughputPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : requests / seconds;
  }

  /**
   * @param percentile from 0 to 100, such as 99.9
   * @return the latency at that percentile in milliseconds, 0 when nothing was recorded
   */
  public double latencyMillisAt(double percentile) {
    return latencyMicros.getTotalCount() == 0
        ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  /** @return the largest latency in milliseconds */
  public double maxLatencyMillis() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0;
  }

  /** @return the mean latency in milliseconds */
  public double meanLatencyMillis() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMean() / 1000.0;
  }

  /** Merges per-worker tallies; the histogram and arrays of {@code tallies} are not changed. */
  static LoadResult merge(String target, String mode, int connections, double rate,
      Duration elapsed, List<WorkerTally> tallies) {
    Histogram latency = new Histogram(WorkerTally.HIGHEST_MICROS, 3);
    TreeMap<String, Long> failures = new TreeMap<>();
    long requests = 0;
    long ok = 0;
    // Whole seconds, rounded: the last responses of a 5 s run complete a hair after 5 s and
    // belong to its fifth second, not to a nearly empty sixth.
    int seconds = (int) Math.max(1, (elapsed.toMillis() + 500) / 1000);
    long[] perSecond = new long[seconds];
    long[] failedPerSecond = new long[seconds];
    TreeMap<String, long[]> byKind = new TreeMap<>();
    Reconnects reconnects = Reconnects.NONE;
    GatewayAttempts attempts = GatewayAttempts.NONE;
    for (WorkerTally tally : tallies) {
      latency.add(tally.latencyMicros);
      requests += tally.requests;
      ok += tally.ok;
      tally.failures.forEach((category, count) -> failures.merge(category, count[0], Long::sum));
      for (int s = 0; s < tally.requestsPerSecond.length; s++) {
        // The last response may complete a hair after the final whole second.
        int into = Math.min(s, seconds - 1);
        perSecond[into] += tally.requestsPerSecond[s];
        failedPerSecond[into] += tally.failuresPerSecond[s];
      }
      tally.failuresPerSecondByKind.forEach((category, counts) -> {
        long[] into = byKind.computeIfAbsent(category, key -> new long[seconds]);
        for (int s = 0; s < counts.length; s++) {
          into[Math.min(s, seconds - 1)] += counts[s];
        }
      });
      TreeMap<String, Long> firstAttempts = new TreeMap<>();
      long again = 0;
      for (var entry : tally.reconnects.entrySet()) {
        firstAttempts.put(entry.getKey(), entry.getValue()[0]);
        again += entry.getValue()[0];
      }
      reconnects = reconnects.plus(new Reconnects(again, firstAttempts));
      attempts = attempts.plus(new GatewayAttempts(tally.okFirstTry, tally.okAfterRetry,
          tally.failedWithAttempts, tally.scriptAttempts, tally.failedScriptAttempts));
    }
    TreeMap<String, List<Long>> kindSeries = new TreeMap<>();
    byKind.forEach((category, counts) -> kindSeries.put(category, boxed(counts)));
    return new LoadResult(target, mode, connections, rate, elapsed, requests, ok, failures,
        latency, boxed(perSecond), boxed(failedPerSecond), kindSeries, reconnects, attempts);
  }

  private static List<Long> boxed(long[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }
}
