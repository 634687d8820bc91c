package io.cgiguard.attempt;

import io.cgiguard.cgi.HeaderBlock;
import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ScriptProcess.Signals;
import io.cgiguard.launch.SpawnError;
import io.cgiguard.launch.Termination;
import java.util.Optional;

/**
 * Step three of an attempt: turns what the attempt loop observed of a script's header block
 * (RFC 3875 section 6) into exactly one {@link Verdict}. Pure; the same observation always gives
 * the same verdict.
 *
 * <p>The order of the checks matters: an incomplete block is named by how the script ended,
 * because "exited with code 1" tells the operator more than "stdout closed".
 */
public final class Classifier {

  private Classifier() {}

  /** @return the verdict on one attempt */
  public static Verdict classify(Observation observation, ScriptRun run) {
    if (observation instanceof Observation.SpawnFailed spawn) {
      return spawnFailed(spawn.error(), run);
    }
    if (observation instanceof Observation.HeaderTimedOut timeout) {
      return failed(
          FailureKind.HEADER_TIMEOUT,
          "The script did not finish its response headers within the header timeout ("
              + bytes(timeout.received().length)
              + " of headers arrived)",
          evidence(run, timeout.termination(), Optional.empty(), timeout.received()));
    }
    Observation.HeadersRead read = (Observation.HeadersRead) observation;
    return headersRead(read.block(), read.termination(), run);
  }

  private static Verdict headersRead(
      HeaderBlock block, Optional<Termination> termination, ScriptRun run) {
    if (block instanceof HeaderBlock.Complete complete) {
      return new Verdict.Success(complete);
    }
    Evidence evidence = evidence(run, termination, Optional.empty(), block.received());
    String arrived = " (" + bytes(block.received().length) + " of headers arrived)";
    if (block instanceof HeaderBlock.Malformed malformed) {
      String where = malformed.lineNumber() > 0 ? " on line " + malformed.lineNumber() : "";
      return failed(
          FailureKind.MALFORMED_HEADERS,
          "The script's response headers are not valid CGI" + where + ": " + malformed.reason(),
          evidence);
    }
    if (block instanceof HeaderBlock.TooLarge tooLarge) {
      return failed(
          FailureKind.HEADERS_TOO_LARGE,
          "The script's response headers grew past the limit of "
              + bytes(tooLarge.limitBytes())
              + " without ending",
          evidence);
    }
    return incomplete(termination, evidence, arrived);
  }

  private static Verdict incomplete(
      Optional<Termination> termination, Evidence evidence, String arrived) {
    if (termination.isEmpty()) {
      return failed(
          FailureKind.INCOMPLETE_HEADERS,
          "The script closed its output before it finished its response headers and was still"
              + " running"
              + arrived,
          evidence);
    }
    ExitStatus status = termination.get().status();
    if (status instanceof ExitStatus.Signaled signaled) {
      return failed(
          FailureKind.KILLED_BEFORE_HEADERS,
          "The script was killed by "
              + Signals.name(signaled.signal())
              + (signaled.coreDumped() ? " (core dumped)" : "")
              + " before it finished its response headers"
              + arrived,
          evidence);
    }
    ExitStatus.Exited exited = (ExitStatus.Exited) status;
    return failed(
        FailureKind.EXITED_BEFORE_HEADERS,
        "The script exited with code "
            + exited.code()
            + " before it finished its response headers"
            + arrived,
        evidence);
  }

  private static Verdict spawnFailed(SpawnError error, ScriptRun run) {
    return failed(
        FailureKind.SPAWN_FAILED,
        "The script could not be started (" + error.errnoName() + "): " + error.message(),
        evidence(run, Optional.empty(), Optional.of(error), new byte[0]));
  }

  private static Evidence evidence(
      ScriptRun run,
      Optional<Termination> termination,
      Optional<SpawnError> spawnError,
      byte[] headerBytes) {
    return new Evidence(
        termination,
        spawnError,
        headerBytes,
        run.stderrTail(),
        run.wallTime(),
        run.scriptPath(),
        run.argv());
  }

  private static Verdict failed(FailureKind kind, String summary, Evidence evidence) {
    return new Verdict.Failed(new Failure(kind, summary, evidence));
  }

  private static String bytes(int count) {
    return count == 1 ? "1 byte" : count + " bytes";
  }
}
