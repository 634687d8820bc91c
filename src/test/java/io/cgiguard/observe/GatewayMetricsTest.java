package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

  private static final String EXITED = "exited-before-headers";

  @Test
  void requestsAreCountedByScriptAndOutcome() {
    GatewayMetrics metrics = new GatewayMetrics(MetricSources.NONE);
    metrics.recordRequest("hello.cgi", GatewayMetrics.OK, Duration.ofMillis(5));
    metrics.recordRequest("hello.cgi", GatewayMetrics.OK, Duration.ofMillis(7));
    metrics.recordRequest("hello.cgi", EXITED, Duration.ofMillis(2));
    metrics.recordRequest("report.pl", GatewayMetrics.OK, Duration.ofSeconds(3));

    Exposition text = Exposition.parse(metrics.scrape());

    assertThat(text.value("cgiguard_requests_total", "script", "hello.cgi", "outcome", "ok"))
        .isEqualTo(2.0);
    assertThat(text.value("cgiguard_requests_total", "script", "hello.cgi", "outcome", EXITED))
        .isEqualTo(1.0);
    assertThat(text.value("cgiguard_requests_total", "script", "report.pl", "outcome", "ok"))
        .isEqualTo(1.0);
  }

  @Test
  void durationsFallIntoSecondBucketsFromOneMillisecondToSixtySeconds() {
    GatewayMetrics metrics = new GatewayMetrics(MetricSources.NONE);
    metrics.recordRequest("slow.cgi", GatewayMetrics.OK, Duration.ofMillis(30));
    metrics.recordRequest("slow.cgi", GatewayMetrics.OK, Duration.ofSeconds(45));
    metrics.recordRequest("slow.cgi", GatewayMetrics.OK, Duration.ofSeconds(90));

    Exposition text = Exposition.parse(metrics.scrape());
    String bucket = "cgiguard_request_duration_seconds_bucket";

    assertThat(text.value(bucket, "script", "slow.cgi", "le", "0.001")).isEqualTo(0.0);
    assertThat(text.value(bucket, "script", "slow.cgi", "le", "0.05")).isEqualTo(1.0);
    assertThat(text.value(bucket, "script", "slow.cgi", "le", "60.0")).isEqualTo(2.0);
    assertThat(text.value(bucket, "script", "slow.cgi", "le", "+Inf")).isEqualTo(3.0);
    assertThat(text.value("cgiguard_request_duration_seconds_count", "script", "slow.cgi"))
        .isEqualTo(3.0);
    assertThat(text.value("cgiguard_request_duration_seconds_sum", "script", "slow.cgi"))
        .isCloseTo(135.03, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void attemptsRetriesAndSpawnFailuresHaveTheirOwnSeries() {
    GatewayMetrics metrics = new GatewayMetrics(MetricSources.NONE);
    metrics.recordAttempt("flaky.cgi", EXITED);
    metrics.recordRetry("flaky.cgi");
    metrics.recordAttempt("flaky.cgi", GatewayMetrics.OK);
    metrics.recordAttempt("missing.cgi", "spawn-failed");
    metrics.recordSpawnFailure("missing.cgi", "ENOENT");
    metrics.recordSpawnFailure("missing.cgi", "ENOENT");

    Exposition text = Exposition.parse(metrics.scrape());

    assertThat(text.value("cgiguard_attempts_total", "script", "flaky.cgi", "outcome", EXITED))
        .isEqualTo(1.0);
    assertThat(text.value("cgiguard_attempts_total", "script", "flaky.cgi", "outcome", "ok"))
        .isEqualTo(1.0);
    assertThat(text.value("cgiguard_retries_total", "script", "flaky.cgi")).isEqualTo(1.0);
    assertThat(
            text.value("cgiguard_spawn_failures_total", "script", "missing.cgi", "errno", "ENOENT"))
        .isEqualTo(2.0);
  }

  @Test
  void gaugesAreReadFromTheSourcesAtEachScrape() {
    AtomicInteger running = new AtomicInteger(3);
    Map<String, CircuitState> circuits = new LinkedHashMap<>();
    circuits.put("a.cgi", CircuitState.CLOSED);
    circuits.put("b.cgi", CircuitState.HALF_OPEN);
    circuits.put("c.cgi", CircuitState.OPEN);
    GatewayMetrics metrics =
        new GatewayMetrics(new MetricSources(running::get, () -> 7, () -> Map.copyOf(circuits)));

    Exposition first = Exposition.parse(metrics.scrape());
    running.set(0);
    Exposition second = Exposition.parse(metrics.scrape());

    assertThat(first.value("cgiguard_scripts_running")).isEqualTo(3.0);
    assertThat(second.value("cgiguard_scripts_running")).isEqualTo(0.0);
    assertThat(first.value("cgiguard_scripts_queued")).isEqualTo(7.0);
    assertThat(first.value("cgiguard_circuit_state", "script", "a.cgi")).isEqualTo(0.0);
    assertThat(first.value("cgiguard_circuit_state", "script", "b.cgi")).isEqualTo(1.0);
    assertThat(first.value("cgiguard_circuit_state", "script", "c.cgi")).isEqualTo(2.0);
  }

  @Test
  void scriptsPastTheCapAreFoldedIntoOther() {
    GatewayMetrics metrics = new GatewayMetrics(MetricSources.NONE, 3);
    for (int i = 0; i < 10; i++) {
      metrics.recordRequest("s" + i + ".cgi", GatewayMetrics.OK, Duration.ofMillis(1));
    }
    metrics.recordRequest("s0.cgi", GatewayMetrics.OK, Duration.ofMillis(1));

    Exposition text = Exposition.parse(metrics.scrape());

    assertThat(text.value("cgiguard_requests_total", "script", "s0.cgi", "outcome", "ok"))
        .isEqualTo(2.0);
    assertThat(text.value("cgiguard_requests_total", "script", "s2.cgi", "outcome", "ok"))
        .isEqualTo(1.0);
    assertThat(text.value("cgiguard_requests_total", "script", "s3.cgi", "outcome", "ok"))
        .isNull();
    assertThat(text.value("cgiguard_requests_total", "script", "other", "outcome", "ok"))
        .isEqualTo(7.0);
    assertThat(text.count("cgiguard_requests_total")).isEqualTo(4);
  }

  @Test
  void foldedCircuitsShowTheWorstStateInOneSeries() {
    Map<String, CircuitState> circuits =
        Map.of(
            "kept.cgi", CircuitState.CLOSED,
            "late1.cgi", CircuitState.HALF_OPEN,
            "late2.cgi", CircuitState.OPEN);
    GatewayMetrics metrics =
        new GatewayMetrics(new MetricSources(() -> 0, () -> 0, () -> circuits), 1);
    metrics.recordRequest("kept.cgi", GatewayMetrics.OK, Duration.ZERO);

    Exposition text = Exposition.parse(metrics.scrape());

    assertThat(text.value("cgiguard_circuit_state", "script", "kept.cgi")).isEqualTo(0.0);
    assertThat(text.value("cgiguard_circuit_state", "script", "other")).isEqualTo(2.0);
    assertThat(text.count("cgiguard_circuit_state")).isEqualTo(2);
  }

  @Test
  void hostileScriptNamesStayInsideTheirLabel() {
    GatewayMetrics metrics = new GatewayMetrics(MetricSources.NONE);
    String hostile = "x\"} 99\ny{a=\"\\";
    metrics.recordRequest(hostile, GatewayMetrics.OK, Duration.ZERO);

    Exposition text = Exposition.parse(metrics.scrape());

    assertThat(text.value("cgiguard_requests_total", "script", hostile, "outcome", "ok"))
        .isEqualTo(1.0);
  }

  @Test
  void twoInstancesKeepSeparateCounts() {
    GatewayMetrics one = new GatewayMetrics(MetricSources.NONE);
    GatewayMetrics two = new GatewayMetrics(MetricSources.NONE);
    one.recordRequest("a.cgi", GatewayMetrics.OK, Duration.ZERO);

    assertThat(Exposition.parse(one.scrape()).value(
            "cgiguard_requests_total", "script", "a.cgi", "outcome", "ok"))
        .isEqualTo(1.0);
    assertThat(Exposition.parse(two.scrape()).count("cgiguard_requests_total")).isZero();
  }

  @Test
  void totalsSumOverScripts() {
    GatewayMetrics metrics = new GatewayMetrics(MetricSources.NONE);
    metrics.recordRequest("a.cgi", GatewayMetrics.OK, Duration.ZERO);
    metrics.recordRequest("b.cgi", GatewayMetrics.OK, Duration.ZERO);
    metrics.recordRequest("b.cgi", EXITED, Duration.ZERO);
    metrics.recordRequest("c.cgi", "header-timeout", Duration.ZERO);
    metrics.recordRetry("b.cgi");
    metrics.recordSpawnFailure("c.cgi", "EACCES");

    Totals totals = metrics.totals();

    assertThat(totals.requests()).isEqualTo(4);
    assertThat(totals.ok()).isEqualTo(2);
    assertThat(totals.failed()).isEqualTo(2);
    assertThat(totals.retries()).isEqualTo(1);
    assertThat(totals.spawnFailures()).isEqualTo(1);
    assertThat(totals.failuresByKind()).containsExactly(
        Map.entry(EXITED, 1L), Map.entry("header-timeout", 1L));
  }

  @Test
  void contentTypeIsTheTextExpositionFormat() {
    assertThat(GatewayMetrics.CONTENT_TYPE).startsWith("text/plain; version=0.0.4");
  }
}
