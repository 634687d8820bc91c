package io.cgiguard.attempt;

import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.Termination;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Real values of the launch and cgi contracts, as the attempt loop would produce them. */
public final class Samples {

  public static final String SCRIPT = "/srv/cgi-bin/report.pl";

  private Samples() {}

  public static Termination exited(int code) {
    return termination(new ExitStatus.Exited(code), Optional.empty(), Optional.empty());
  }

  public static Termination signaled(int signal) {
    return termination(new ExitStatus.Signaled(signal, false), Optional.empty(), Optional.empty());
  }

  public static Termination termination(
      ExitStatus status, Optional<Duration> cpu, Optional<Integer> sentByGateway) {
    return new Termination(
        status, Duration.ofMillis(120), cpu, Optional.of(4L * 1024 * 1024), sentByGateway);
  }

  public static ScriptRun run(String stderr) {
    return new ScriptRun(
        SCRIPT, List.of("/usr/bin/perl", SCRIPT), bytes(stderr), Duration.ofMillis(150));
  }

  public static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  public static Evidence evidence(
      Optional<Termination> termination, String headers, String stderr) {
    return new Evidence(
        termination,
        Optional.empty(),
        bytes(headers),
        stderr.getBytes(StandardCharsets.UTF_8),
        Duration.ofMillis(150),
        SCRIPT,
        List.of("/usr/bin/perl", SCRIPT));
  }

  public static Failure failure(FailureKind kind, Evidence evidence) {
    return new Failure(kind, "summary of " + kind.label(), evidence);
  }
}
