package io.cgiguard.observe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the dashboard draws: requests and failures by kind in each of the last {@value #SECONDS}
 * seconds, and each script's latency and failure count since start-up. The gateway reports every
 * request as it ends; the dashboard reads a {@link View} once a second.
 *
 * <p>Thread-safe; recording takes one short lock. Scripts beyond {@value #SCRIPT_CAP} distinct
 * names are counted under {@code other}, so a flood of distinct URLs cannot grow it without bound.
 */
public final class LiveSeries {

  /** How many seconds of history the charts show. */
  public static final int SECONDS = 300;
  /** The shortest stretch of seconds {@link View#recent()} keeps. */
  public static final int SHORTEST_RECENT = 60;
  /** Distinct script names that keep their own row. */
  static final int SCRIPT_CAP = 200;
  private static final long HIGHEST_MICROS = Duration.ofMinutes(10).toNanos() / 1000;

  private final Clock clock;
  private final long[] secondOf = new long[SECONDS];
  private final long[] requests = new long[SECONDS];
  private final List<Map<String, Long>> failures = new ArrayList<>(SECONDS);
  private final Map<String, ScriptFigures> scripts = new HashMap<>();

  /** @param clock where "now" comes from, so that tests can step it */
  public LiveSeries(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    for (int i = 0; i < SECONDS; i++) {
      failures.add(new HashMap<>());
      secondOf[i] = -1;
    }
  }

  /**
   * Counts one request as it ends.
   *
   * @param script the script's name
   * @param outcome {@link GatewayMetrics#OK} or a failure kind label
   * @param elapsed from arrival to end
   */
  public void record(String script, String outcome, Duration elapsed) {
    long second = clock.millis() / 1000;
    int slot = (int) Math.floorMod(second, (long) SECONDS);
    long micros = elapsed == null || elapsed.isNegative() ? 0 : elapsed.toNanos() / 1000;
    boolean ok = GatewayMetrics.OK.equals(outcome);
    synchronized (this) {
      if (secondOf[slot] != second) {
        secondOf[slot] = second;
        requests[slot] = 0;
        failures.get(slot).clear();
      }
      requests[slot]++;
      if (!ok) {
        failures.get(slot).merge(outcome, 1L, Long::sum);
      }
      String key = scripts.containsKey(script) || scripts.size() < SCRIPT_CAP ? script : "other";
      ScriptFigures figures = scripts.computeIfAbsent(key, k -> new ScriptFigures());
      figures.latencyMicros.recordValue(Math.min(micros, HIGHEST_MICROS));
      if (!ok) {
        figures.failures++;
      }
    }
  }

  /** @return the last {@value #SECONDS} seconds, oldest first, and every script's figures */
  public View view() {
    long now = clock.millis() / 1000;
    List<Second> seconds = new ArrayList<>(SECONDS);
    List<ScriptLatency> latencies = new ArrayList<>();
    synchronized (this) {
      for (long s = now - SECONDS + 1; s <= now; s++) {
        int slot = (int) Math.floorMod(s, (long) SECONDS);
        if (secondOf[slot] == s) {
          seconds.add(new Second(s, requests[slot], new TreeMap<>(failures.get(slot))));
        } else {
          seconds.add(new Second(s, 0, Map.of()));
        }
      }
      scripts.forEach((script, figures) -> latencies.add(new ScriptLatency(script,
          figures.latencyMicros.getTotalCount(), figures.failures,
          figures.latencyMicros.getValueAtPercentile(50) / 1000.0,
          figures.latencyMicros.getValueAtPercentile(99) / 1000.0)));
    }
    latencies.sort(Comparator.comparingLong(ScriptLatency::failures).reversed()
        .thenComparing(Comparator.comparingLong(ScriptLatency::requests).reversed())
        .thenComparing(ScriptLatency::script));
    return new View(seconds, latencies);
  }

  /** One second of the chart: requests that ended in it, and failures among them by kind. */
  public record Second(long epochSecond, long requests, Map<String, Long> failuresByKind) {
    public Second {
      failuresByKind = Map.copyOf(failuresByKind);
    }

    /** @return failures of every kind together */
    public long failures() {
      return failuresByKind.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** One script's row: requests and failures since start-up, latency percentiles in ms. */
  public record ScriptLatency(String script, long requests, long failures, double p50Millis,
      double p99Millis) {}

  /**
   * @param seconds the last {@value #SECONDS} seconds, oldest first
   * @param scripts every script, most failures first
   */
  public record View(List<Second> seconds, List<ScriptLatency> scripts) {
    public View {
      seconds = List.copyOf(seconds);
      scripts = List.copyOf(scripts);
    }

    /**
     * @return the same view from the first second that saw a request (but at least the last
     *     {@value #SHORTEST_RECENT} seconds), so that a gateway started a minute ago does not
     *     draw four empty minutes
     */
    public View recent() {
      int first = seconds.size();
      for (int i = 0; i < seconds.size(); i++) {
        if (seconds.get(i).requests() > 0) {
          first = i;
          break;
        }
      }
      first = Math.max(0, Math.min(first, seconds.size() - SHORTEST_RECENT));
      return new View(seconds.subList(first, seconds.size()), scripts);
    }

    /** @return every failure kind seen in the window, sorted */
    public List<String> kinds() {
      Map<String, Boolean> kinds = new TreeMap<>();
      seconds.forEach(s -> s.failuresByKind().keySet().forEach(k -> kinds.put(k, true)));
      return new ArrayList<>(kinds.keySet());
    }

    /** @return the failures of each kind per second, oldest first, kinds sorted */
    public Map<String, long[]> failuresByKind() {
      Map<String, long[]> byKind = new LinkedHashMap<>();
      for (String kind : kinds()) {
        long[] series = new long[seconds.size()];
        for (int i = 0; i < series.length; i++) {
          series[i] = seconds.get(i).failuresByKind().getOrDefault(kind, 0L);
        }
        byKind.put(kind, series);
      }
      return byKind;
    }
  }

  private static final class ScriptFigures {
    final Histogram latencyMicros = new Histogram(HIGHEST_MICROS, 2);
    long failures;
  }
}
