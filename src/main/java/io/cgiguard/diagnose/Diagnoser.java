package io.cgiguard.diagnose;

import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.ScriptProcess.Signals;
import io.cgiguard.launch.SpawnError;
import io.cgiguard.launch.Termination;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the most likely {@link Cause} of a {@link Failure}. Pure. The rules go from the most
 * certain evidence to the least: how the process ended, then what it said on stderr, then what
 * {@link ScriptInspection} found in the file, then the shape of the header bytes.
 */
public final class Diagnoser {

  private static final Pattern PERL_COMPILE = Pattern.compile(
      "^.*(syntax error at .+ line \\d+|Can't locate \\S+ in @INC|BEGIN failed--compilation aborted"
          + "|aborted due to compilation errors|requires explicit package name).*$",
      Pattern.MULTILINE);
  /**
   * env(1) quotes the name it could not find and writes a CR in it as {@code \r} ("env:
   * ‘perl\r’: No such file or directory"); bash writes it as {@code ^M} ("bad interpreter").
   * Either, or a raw CR before the closing quote, is the tell.
   */
  private static final Pattern CR_IN_NAME = Pattern.compile(
      "^.*((\\\\r|\\r)['’:]|\\^M).*$", Pattern.MULTILINE);
  private static final Pattern NOT_FOUND = Pattern.compile(
      "^.*(No such file or directory|not found|bad interpreter).*$", Pattern.MULTILINE);
  private static final String PERL_OUT_OF_MEMORY = "Out of memory!";
  /** The signals a fault or a failed check ends a program with (Linux numbers). */
  private static final Set<Integer> FAULTS = Set.of(4, Signals.SIGABRT, 7, 8, Signals.SIGSEGV);
  /**
   * A crash counts as running out of memory under the address-space limit when the script's
   * peak resident memory reached at least 1/this of the limit (its address space, which the
   * limit counts, also holds libraries and reservations never touched).
   */
  private static final long NEAR_LIMIT_FRACTION = 4;
  private static final int EXIT_NT_INIT_FAILURE = 128;

  private Diagnoser() {}

  /** @return the most likely cause of {@code failure}, or empty when nothing points to one */
  public static Optional<Diagnosis> diagnose(Failure failure, DiagnosisContext context) {
    Evidence evidence = failure.evidence();
    return switch (failure.kind()) {
      case HEADERS_TOO_LARGE -> found(Cause.HEADERS_TOO_LARGE, failure.summary());
      case HEADER_TIMEOUT -> found(Cause.HEADER_TIMEOUT,
          "no complete header block within " + millis(context.headerTimeout()) + " ("
              + evidence.headerByteCount() + " header bytes arrived)");
      case MALFORMED_HEADERS -> malformed(evidence);
      case SPAWN_FAILED -> fromFindings(context).or(() -> fromSpawnError(evidence.spawnError()));
      case EXITED_BEFORE_HEADERS, KILLED_BEFORE_HEADERS, INCOMPLETE_HEADERS ->
          beforeHeaders(evidence, context);
      case HEADERS_UNRELAYABLE, BODY_TRUNCATED, BODY_STALLED, OVERLOADED, CIRCUIT_OPEN ->
          Optional.empty();
    };
  }

  private static Optional<Diagnosis> beforeHeaders(Evidence evidence, DiagnosisContext context) {
    Optional<Termination> termination = evidence.termination();
    String stderr = evidence.stderrText();
    return termination
        .flatMap(t -> fromSignal(t, stderr, context.limits()))
        .or(() -> fromStderr(stderr))
        .or(() -> fromFindings(context))
        .or(() -> termination.flatMap(t -> fromExitCode(t, evidence)))
        .or(() -> termination.isEmpty()
            ? found(Cause.STDOUT_CLOSED_EARLY,
                "stdout closed after " + evidence.headerByteCount() + " header bytes; the script"
                    + " was still running")
            : Optional.empty());
  }

  private static Optional<Diagnosis> fromSignal(
      Termination termination, String stderr, ResourceLimits limits) {
    if (!(termination.status() instanceof ExitStatus.Signaled signaled)) {
      return Optional.empty();
    }
    int signal = signaled.signal();
    String cpu = termination.cpuTime().map(c -> " after " + millis(c) + " of CPU").orElse("");
    if (signal == Signals.SIGXCPU
        || (signal == Signals.SIGKILL && reachedCpuLimit(termination, limits))) {
      return found(Cause.CPU_LIMIT, Signals.name(signal) + cpu
          + (limits.hasCpuTime() ? " (limit " + millis(limits.cpuTime()) + ")" : ""));
    }
    boolean asLimited = limits.addressSpaceBytes() != ResourceLimits.UNLIMITED;
    if (stderr.contains(PERL_OUT_OF_MEMORY)) {
      return found(Cause.MEMORY_LIMIT, Signals.name(signal) + " with an address-space limit of "
          + (asLimited ? limits.addressSpaceBytes() + " bytes" : "none"));
    }
    if (FAULTS.contains(signal)) {
      String peak = termination.peakRssBytes().map(b -> ", peak resident memory " + b + " bytes")
          .orElse("");
      // A program that could not get memory under the limit crashes with one of these, but so
      // does any crash: only a peak near the limit says it was the memory.
      if (asLimited && termination.peakRssBytes()
          .map(b -> b >= limits.addressSpaceBytes() / NEAR_LIMIT_FRACTION).orElse(false)) {
        return found(Cause.MEMORY_LIMIT, Signals.name(signal) + peak
            + " under an address-space limit of " + limits.addressSpaceBytes() + " bytes");
      }
      return found(Cause.CRASHED, Signals.name(signal) + peak + (asLimited
          ? " (address-space limit " + limits.addressSpaceBytes() + " bytes)" : ""));
    }
    if (signal == Signals.SIGKILL && termination.signalSentByGateway().isEmpty()) {
      return found(Cause.KILLED_EXTERNALLY, "SIGKILL" + cpu + ", not sent by the gateway");
    }
    return Optional.empty();
  }

  /** The kernel sends SIGKILL one second after SIGXCPU; CPU at 90% of the limit counts as there. */
  private static boolean reachedCpuLimit(Termination termination, ResourceLimits limits) {
    if (!limits.hasCpuTime() || termination.cpuTime().isEmpty()) {
      return false;
    }
    return termination.cpuTime().get().toMillis() * 10 >= limits.cpuTime().toMillis() * 9;
  }

  private static Optional<Diagnosis> fromStderr(String stderr) {
    if (stderr.contains(PERL_OUT_OF_MEMORY)) {
      return found(Cause.MEMORY_LIMIT, "the script said \"" + PERL_OUT_OF_MEMORY + "\"");
    }
    Matcher perl = PERL_COMPILE.matcher(stderr);
    if (perl.find()) {
      return found(Cause.PERL_COMPILE_ERROR, "stderr: " + clip(perl.group().strip()));
    }
    Matcher cr = CR_IN_NAME.matcher(stderr);
    if (cr.find()) {
      return found(Cause.SHEBANG_CR, "stderr: " + clip(cr.group().strip()));
    }
    return Optional.empty();
  }

  private static Optional<Diagnosis> fromFindings(DiagnosisContext context) {
    return context.findings().stream()
        .filter(f -> f.kind().cause().isPresent())
        .findFirst()
        .map(f -> new Diagnosis(f.kind().cause().get(), f.detail()));
  }

  private static Optional<Diagnosis> fromExitCode(Termination termination, Evidence evidence) {
    if (!(termination.status() instanceof ExitStatus.Exited exited)) {
      return Optional.empty();
    }
    if (exited.code() == EXIT_NT_INIT_FAILURE
        && evidence.headerByteCount() == 0
        && evidence.stderrText().isBlank()) {
      return found(Cause.NT_INIT_FAILURE, "exit code 128, no output on stdout or stderr");
    }
    Matcher notFound = NOT_FOUND.matcher(evidence.stderrText());
    if (exited.code() == 127 && notFound.find()) {
      return found(Cause.MISSING_INTERPRETER, "exit code 127, stderr: " + clip(notFound.group()));
    }
    return Optional.empty();
  }

  private static Optional<Diagnosis> fromSpawnError(Optional<SpawnError> error) {
    return error.flatMap(e -> switch (e.errnoName()) {
      case "ENOENT" -> found(Cause.MISSING_INTERPRETER, e.errnoName() + ": " + e.message());
      case "EACCES" -> found(Cause.NOT_EXECUTABLE, e.errnoName() + ": " + e.message());
      default -> Optional.empty();
    });
  }

  private static Optional<Diagnosis> malformed(Evidence evidence) {
    String firstLine = evidence.headerText().lines().findFirst().orElse("");
    if (!firstLine.contains(":") || firstLine.stripLeading().startsWith("<")) {
      return found(Cause.BODY_BEFORE_HEADERS, "the first line is " + quote(firstLine));
    }
    return evidence.headerText().lines()
        .takeWhile(line -> !line.isEmpty() && !line.equals("\r"))
        .filter(line -> !line.contains(":"))
        .findFirst()
        .map(line -> new Diagnosis(Cause.HEADER_WITHOUT_COLON, "the line " + quote(line)));
  }

  private static Optional<Diagnosis> found(Cause cause, String detail) {
    return Optional.of(new Diagnosis(cause, detail));
  }

  private static String quote(String line) {
    return "\"" + clip(line.strip()) + "\"";
  }

  private static String clip(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }

  private static String millis(Duration duration) {
    return duration.toMillis() + " ms";
  }
}
