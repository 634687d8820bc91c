package io.cgiguard.http;

import io.cgiguard.attempt.Attempt;
import io.cgiguard.attempt.AttemptListener;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.observe.FailureRecord;
import io.cgiguard.observe.GatewayMetrics;
import io.cgiguard.observe.LiveSeries;
import io.cgiguard.observe.RecentFailures;
import io.cgiguard.observe.RunningScript;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every request's outcome is written down once: metrics, the recent-failures ring of
 * {@code /-/status}, the request's access log fields, and one WARN line per failure with the
 * request id and the evidence.
 */
final class OutcomeLog implements AttemptListener {

  private static final Logger LOG = LoggerFactory.getLogger("io.cgiguard.failures");

  private final GatewayMetrics metrics;
  private final RecentFailures recent;
  private final Clock clock;
  private final LiveSeries live;
  private final RunningScripts running = new RunningScripts();

  OutcomeLog(GatewayMetrics metrics, RecentFailures recent, Clock clock) {
    this.metrics = metrics;
    this.recent = recent;
    this.clock = clock;
    this.live = new LiveSeries(clock);
  }

  /** @return the per-second series of the dashboard */
  LiveSeries live() {
    return live;
  }

  /** @return the processes running now */
  RunningScripts running() {
    return running;
  }

  @Override
  public void spawned(String scriptKey, ScriptProcess process) {
    running.spawned(scriptKey, process);
  }

  @Override
  public void firstOutput(ScriptProcess process) {
    running.moved(process, RunningScript.State.READING_HEADERS);
  }

  @Override
  public void closed(ScriptProcess process) {
    running.closed(process);
  }

  @Override
  public void attempted(String scriptKey, Attempt attempt) {
    String outcome = attempt.failure().map(f -> f.kind().label()).orElse(GatewayMetrics.OK);
    metrics.recordAttempt(scriptKey, outcome);
    if (attempt.number() > 1) {
      metrics.recordRetry(scriptKey);
    }
    attempt.failure().flatMap(f -> f.evidence().spawnError())
        .ifPresent(e -> metrics.recordSpawnFailure(scriptKey, e.errnoName()));
  }

  /** A request whose script's response reached the client, after {@code attempts} attempts. */
  void succeeded(RequestLine line, int attempts, Duration elapsed) {
    metrics.recordRequest(line.script(), GatewayMetrics.OK, elapsed);
    live.record(line.script(), GatewayMetrics.OK, elapsed);
    AccessLog.recordScript(line.request(), line.script(), GatewayMetrics.OK, attempts);
  }

  /** A request whose client got a failure of {@code kind}. */
  void failed(RequestLine line, FailureKind kind, int attempts, Optional<Failure> failure,
      Optional<Diagnosis> diagnosis, Duration elapsed, String summary) {
    metrics.recordRequest(line.script(), kind.label(), elapsed);
    live.record(line.script(), kind.label(), elapsed);
    AccessLog.recordScript(line.request(), line.script(), kind.label(), attempts);
    Optional<Evidence> evidence = failure.map(Failure::evidence);
    String exit = evidence.flatMap(Evidence::termination).map(t -> describe(t.status())).orElse("");
    String stderr = evidence.map(Evidence::stderrText).orElse("");
    recent.record(new FailureRecord(clock.instant(), line.requestId(), line.method(), line.path(),
        line.script(), kind.label(), kind.beforeHeaders() ? kind.status() : 0, attempts, summary,
        diagnosis.map(d -> d.cause().title()).orElse(""),
        diagnosis.map(d -> d.cause().fix()).orElse(""), tail(stderr), exit));
    LOG.warn("request {} {} {} script {} failed: {} after {} attempt(s): {}{}{}",
        line.requestId(), line.method(), line.path(), line.script(), kind.label(), attempts,
        summary, exit.isEmpty() ? "" : "; " + exit,
        diagnosis.map(d -> "; likely cause: " + d.cause().title()).orElse(""));
  }

  /**
   * A request answered 503 because no process could be started: counted and kept like any
   * failure, but logged at DEBUG only, since the shortage's episode has its own line.
   */
  void failedInShortage(RequestLine line, int attempts, Optional<Failure> failure,
      Diagnosis diagnosis, Duration elapsed) {
    FailureKind kind = FailureKind.SPAWN_FAILED;
    metrics.recordRequest(line.script(), kind.label(), elapsed);
    live.record(line.script(), kind.label(), elapsed);
    // The access log shows these as spawn-failed with status 503 (other spawn failures are 502).
    AccessLog.recordScript(line.request(), line.script(), kind.label(), attempts);
    recent.record(new FailureRecord(clock.instant(), line.requestId(), line.method(), line.path(),
        line.script(), kind.label(), ShortageAnswer.STATUS, attempts, diagnosis.detail(),
        diagnosis.cause().title(), diagnosis.cause().fix(),
        tail(failure.map(f -> f.evidence().stderrText()).orElse("")), ""));
    LOG.debug("request {} {} {} script {} failed: {} after {} attempt(s): {}", line.requestId(),
        line.method(), line.path(), line.script(), kind.label(), attempts, diagnosis.detail());
  }

  static String describe(ExitStatus status) {
    if (status instanceof ExitStatus.Exited exited) {
      return "exit " + exited.code();
    }
    ExitStatus.Signaled signaled = (ExitStatus.Signaled) status;
    return ScriptProcess.Signals.name(signaled.signal())
        + (signaled.coreDumped() ? " (core dumped)" : "");
  }

  private static String tail(String text) {
    int max = FailureRecord.MAX_STDERR_TAIL_CHARS;
    return text.length() <= max ? text : text.substring(text.length() - max);
  }

  /** The request a log line is about; its access log line gets the outcome written here. */
  record RequestLine(String requestId, String method, String path, String script,
      org.eclipse.jetty.server.Request request) {}
}
