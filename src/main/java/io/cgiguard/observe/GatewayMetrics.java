package io.cgiguard.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway's Prometheus metrics, served at {@code /-/metrics}. The gateway reports each request
 * and attempt as it ends; running, queued and circuit states are read from {@link MetricSources}
 * at scrape time.
 *
 * <p>Each instance has a registry of its own, never the client library's default one, so that
 * several gateways (and tests) in one JVM do not share or collide on series. Label values are
 * bounded: the first {@value #DEFAULT_SCRIPT_CAP} distinct scripts (by default) keep their names,
 * later ones are counted under {@code script="other"}.
 *
 * <p>Series: {@code cgiguard_requests_total{script,outcome}}, {@code
 * cgiguard_attempts_total{script,outcome}}, {@code cgiguard_request_duration_seconds{script}},
 * {@code cgiguard_scripts_running}, {@code cgiguard_scripts_queued}, {@code
 * cgiguard_circuit_state{script}} (0 closed, 1 half-open, 2 open), {@code
 * cgiguard_retries_total{script}}, {@code cgiguard_spawn_failures_total{script,errno}}. An outcome
 * is {@code ok} or a failure kind label such as {@code exited-before-headers}.
 *
 * <p>Thread-safe.
 */
public final class GatewayMetrics {

  /** The content type of {@link #scrape()}: Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** Distinct script names that keep their own series by default. */
  public static final int DEFAULT_SCRIPT_CAP = 1_000;

  /** The outcome of a request or attempt the script answered with a complete header block. */
  public static final String OK = "ok";

  /**
   * Upper bounds in seconds, from 1 ms (a compiled CGI answering from memory) to 60 s (a report
   * script near the usual total run-time limit); roughly 1-2.5-5 per decade so that quantiles
   * estimated from them are within a factor of about two.
   */
  static final double[] DURATION_BUCKETS_SECONDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  // Outcomes and errnos are small fixed vocabularies; the cap only guards against a caller bug.
  private static final int SMALL_VOCABULARY_CAP = 64;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final LabelValues scripts;
  private final LabelValues outcomes = new LabelValues(SMALL_VOCABULARY_CAP);
  private final LabelValues errnos = new LabelValues(SMALL_VOCABULARY_CAP);
  private final Counter requests;
  private final Counter attempts;
  private final Counter retries;
  private final Counter spawnFailures;
  private final Histogram duration;

  /** Metrics over {@code sources} with the default script cap. */
  public GatewayMetrics(MetricSources sources) {
    this(sources, DEFAULT_SCRIPT_CAP);
  }

  /**
   * @param sources live state read at scrape time
   * @param scriptCap distinct script names that keep their own series; later ones become {@code
   *     other}
   */
  public GatewayMetrics(MetricSources sources, int scriptCap) {
    this.scripts = new LabelValues(scriptCap);
    this.requests = counter("cgiguard_requests", "Requests answered, by script and outcome.",
        "script", "outcome");
    this.attempts = counter("cgiguard_attempts", "Script runs started, by script and outcome.",
        "script", "outcome");
    this.retries = counter("cgiguard_retries", "Attempts started again after an unseen failure.",
        "script");
    this.spawnFailures = counter("cgiguard_spawn_failures",
        "Attempts whose program could not be started, by errno name.", "script", "errno");
    this.duration =
        Histogram.builder()
            .name("cgiguard_request_duration_seconds")
            .help("Time from the request's arrival to its last byte or failure, in seconds.")
            .labelNames("script")
            .classicOnly()
            .classicUpperBounds(DURATION_BUCKETS_SECONDS)
            .withoutExemplars()
            .register(registry);
    registerGauges(sources);
  }

  /**
   * Counts one request as it ends.
   *
   * @param script the script's name (its path below cgi-bin)
   * @param outcome {@link #OK} or the failure kind label the client saw
   * @param elapsed from the request's arrival to its end; negative values count as zero
   */
  public void recordRequest(String script, String outcome, Duration elapsed) {
    String scriptLabel = scripts.fold(script);
    requests.labelValues(scriptLabel, outcomes.fold(outcome)).inc();
    duration.labelValues(scriptLabel).observe(seconds(elapsed));
  }

  /** Counts one run of a script as it ends; a request has one attempt or more. */
  public void recordAttempt(String script, String outcome) {
    attempts.labelValues(scripts.fold(script), outcomes.fold(outcome)).inc();
  }

  /** Counts one retry: an attempt started again because the failure before it reached nobody. */
  public void recordRetry(String script) {
    retries.labelValues(scripts.fold(script)).inc();
  }

  /**
   * Counts one program that could not be started.
   *
   * @param errno the symbolic errno, such as {@code ENOENT} or {@code EACCES}
   */
  public void recordSpawnFailure(String script, String errno) {
    spawnFailures.labelValues(scripts.fold(script), errnos.fold(errno)).inc();
  }

  /** @return every series in the Prometheus text exposition format ({@link #CONTENT_TYPE}) */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      scrape(out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Writes every series in the text exposition format to {@code out}, which stays open. */
  public void scrape(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  /** @return the request, retry and spawn-failure counts summed over scripts, for the status page */
  public Totals totals() {
    long all = 0;
    long ok = 0;
    Map<String, Long> failures = new HashMap<>();
    for (CounterDataPointSnapshot point : requests.collect().getDataPoints()) {
      long count = (long) point.getValue();
      String outcome = point.getLabels().get("outcome");
      all += count;
      if (OK.equals(outcome)) {
        ok += count;
      } else {
        failures.merge(outcome, count, Long::sum);
      }
    }
    return new Totals(all, ok, sum(retries.collect()), sum(spawnFailures.collect()), failures);
  }

  /**
   * Exports the running limit, the shortage state and the headroom under each limit on processes
   * and memory, read from {@code capacity} at each scrape.
   */
  public void registerCapacity(java.util.function.Supplier<CapacityView> capacity) {
    GaugeWithCallback.builder()
        .name("cgiguard_scripts_limit")
        .help("Scripts that may run at once now: max-running, or less during a process shortage.")
        .callback(callback -> callback.call(capacity.get().runningLimit()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cgiguard_process_shortage")
        .help("1 while spawns fail for lack of processes or memory, else 0.")
        .callback(callback -> callback.call(capacity.get().shortage() ? 1 : 0))
        .register(registry);
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("cgiguard_process_shortage_episodes")
        .help("Process shortage episodes since start-up.")
        .callback(callback -> callback.call(capacity.get().episodes()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cgiguard_headroom")
        .help("What more fits under each limit on tasks (count) or memory (bytes).")
        .labelNames("limit", "resource")
        .callback(callback -> capacity.get().bounds().forEach(
            bound -> callback.call(bound.headroom(), bound.name(), bound.resource())))
        .register(registry);
  }

  private void registerGauges(MetricSources sources) {
    GaugeWithCallback.builder()
        .name("cgiguard_scripts_running")
        .help("Scripts running now.")
        .callback(callback -> callback.call(sources.running().getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cgiguard_scripts_queued")
        .help("Requests waiting for a free script slot.")
        .callback(callback -> callback.call(sources.queued().getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cgiguard_circuit_state")
        .help("Circuit breaker state by script: 0 closed, 1 half-open, 2 open.")
        .labelNames("script")
        .callback(
            callback ->
                circuitGauge(sources.circuits().get())
                    .forEach((script, value) -> callback.call(value, script)))
        .register(registry);
  }

  /**
   * Folds script names like the counters do; scripts folded into {@code other} share one series,
   * which shows the worst state among them, because two samples with equal labels are invalid.
   */
  private Map<String, Integer> circuitGauge(Map<String, CircuitState> circuits) {
    Map<String, Integer> gauge = new HashMap<>();
    circuits.forEach(
        (script, state) -> gauge.merge(scripts.fold(script), state.gaugeValue(), Math::max));
    return gauge;
  }

  private Counter counter(String name, String help, String... labelNames) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames(labelNames)
        .withoutExemplars()
        .register(registry);
  }

  private static long sum(CounterSnapshot snapshot) {
    long total = 0;
    for (CounterDataPointSnapshot point : snapshot.getDataPoints()) {
      total += (long) point.getValue();
    }
    return total;
  }

  private static double seconds(Duration elapsed) {
    return elapsed == null || elapsed.isNegative() ? 0 : elapsed.toNanos() / 1e9;
  }
}
