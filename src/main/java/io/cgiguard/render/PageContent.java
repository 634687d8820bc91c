package io.cgiguard.render;

import io.cgiguard.attempt.Attempt;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ScriptProcess.Signals;
import io.cgiguard.launch.Termination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a diagnostic page says, independent of its format, so that HTML, JSON and text pages say
 * the same things and only differ in how they escape them. Strings here are raw; escaping is the
 * renderers' job.
 */
record PageContent(
    int status,
    String reasonPhrase,
    String requestId,
    FailureKind kind,
    boolean detailed,
    List<Attempt> attempts,
    Optional<Failure> lastFailure,
    Optional<Diagnosis> diagnosis) {

  static final String IIS_SENTENCE =
      "The specified CGI application misbehaved by not returning a complete set of HTTP headers.";

  /** One labelled fact of the evidence; {@code block} values are shown as preformatted text. */
  record Row(String label, String value, boolean block) {}

  /** @return whether the IIS sentence about incomplete headers applies to this failure */
  boolean headerFailure() {
    return kind.headerFailure();
  }

  /** @return the header bytes the last attempt received, as ISO-8859-1 text */
  String receivedHeaders() {
    return lastFailure.map(f -> f.evidence().headerText()).orElse("");
  }

  /** @return a sentence about the kind that holds nothing from the script or the request */
  String kindDescription() {
    return kind.description();
  }

  /** @return the evidence of one failed attempt as labelled rows, for detailed pages only */
  static List<Row> evidenceRows(Failure failure) {
    Evidence evidence = failure.evidence();
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("Summary", failure.summary(), false));
    rows.add(new Row("Script", evidence.scriptPath(), false));
    rows.add(new Row("Command", String.join(" ", evidence.argv()), false));
    evidence.spawnError().ifPresent(error -> rows.add(new Row(
        "Spawn error", error.errnoName() + " (errno " + error.errno() + "): " + error.message(),
        false)));
    evidence.termination().ifPresent(t -> rows.addAll(terminationRows(t)));
    rows.add(new Row("Wall time", millis(evidence.wallTime()), false));
    rows.add(new Row("Header bytes received", evidence.headerByteCount() + " bytes", false));
    if (evidence.headerByteCount() > 0) {
      rows.add(new Row("Headers received", evidence.headerText(), true));
    }
    String stderr = evidence.stderrText();
    rows.add(new Row("Standard error (last bytes)", stderr.isEmpty() ? "(empty)" : stderr,
        !stderr.isEmpty()));
    return rows;
  }

  private static List<Row> terminationRows(Termination termination) {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("Ended", describe(termination.status()), false));
    termination.signalSentByGateway().ifPresent(signal ->
        rows.add(new Row("Signal sent by the gateway", Signals.name(signal), false)));
    termination.cpuTime().ifPresent(cpu -> rows.add(new Row("CPU time", millis(cpu), false)));
    termination.peakRssBytes().ifPresent(rss ->
        rows.add(new Row("Peak resident memory", kibibytes(rss), false)));
    rows.add(new Row("Run time until reaped", millis(termination.wallTime()), false));
    return rows;
  }

  /** @return "exit code 1" or "signal 9 (SIGKILL), core dumped" */
  static String describe(ExitStatus status) {
    if (status instanceof ExitStatus.Signaled signaled) {
      return "signal " + signaled.signal() + " (" + Signals.name(signaled.signal()) + ")"
          + (signaled.coreDumped() ? ", core dumped" : "");
    }
    return "exit code " + ((ExitStatus.Exited) status).code();
  }

  static String millis(Duration duration) {
    return duration.toMillis() + " ms";
  }

  private static String kibibytes(long bytes) {
    return (bytes / 1024) + " KiB";
  }
}
