package io.cgiguard.diagnose;

import static io.cgiguard.attempt.Samples.evidence;
import static io.cgiguard.attempt.Samples.exited;
import static io.cgiguard.attempt.Samples.failure;
import static io.cgiguard.attempt.Samples.signaled;
import static io.cgiguard.attempt.Samples.termination;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.attempt.Samples;
import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.SpawnError;
import io.cgiguard.launch.Termination;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DiagnoserTest {

  private static final ResourceLimits LIMITED = new ResourceLimits(
      Duration.ofSeconds(10), 256L << 20, 1024, ResourceLimits.UNLIMITED, ResourceLimits.UNLIMITED,
      0);
  private static final DiagnosisContext PLAIN =
      new DiagnosisContext(LIMITED, Duration.ofSeconds(30), List.of());

  static Stream<Arguments> cases() {
    return Stream.of(
        row("perl syntax error", FailureKind.EXITED_BEFORE_HEADERS, Optional.of(exited(255)), "",
            "syntax error at /srv/cgi-bin/report.pl line 12, near \"}\"\n",
            Cause.PERL_COMPILE_ERROR, "line 12"),
        row("missing perl module", FailureKind.EXITED_BEFORE_HEADERS, Optional.of(exited(2)), "",
            "Can't locate DBI.pm in @INC (you may need to install the DBI module)\n"
                + "BEGIN failed--compilation aborted at x.pl line 3.\n",
            Cause.PERL_COMPILE_ERROR, "DBI.pm"),
        row("env finds perl CR", FailureKind.EXITED_BEFORE_HEADERS, Optional.of(exited(127)), "",
            "/usr/bin/env: 'perl\r': No such file or directory\n", Cause.SHEBANG_CR, "perl"),
        row("env quotes perl\\r", FailureKind.EXITED_BEFORE_HEADERS, Optional.of(exited(127)),
            "", "/usr/bin/env: ‘perl\\r’: No such file or directory\n", Cause.SHEBANG_CR,
            "perl\\r"),
        row("bash bad interpreter", FailureKind.EXITED_BEFORE_HEADERS, Optional.of(exited(126)),
            "", "sh: ./x.pl: /usr/bin/perl^M: bad interpreter: No such file or directory\n",
            Cause.SHEBANG_CR, "^M"),
        row("perl out of memory", FailureKind.EXITED_BEFORE_HEADERS, Optional.of(exited(1)), "",
            "Out of memory!\n", Cause.MEMORY_LIMIT, "Out of memory!"),
        row("exit 128 silent", FailureKind.EXITED_BEFORE_HEADERS, Optional.of(exited(128)), "",
            "", Cause.NT_INIT_FAILURE, "128"),
        row("exit 127 not found", FailureKind.EXITED_BEFORE_HEADERS, Optional.of(exited(127)), "",
            "sh: 1: python9: not found\n", Cause.MISSING_INTERPRETER, "python9"),
        row("SIGXCPU", FailureKind.KILLED_BEFORE_HEADERS, Optional.of(signaled(24)), "", "",
            Cause.CPU_LIMIT, "SIGXCPU"),
        row("SIGKILL at the CPU limit", FailureKind.KILLED_BEFORE_HEADERS,
            Optional.of(termination(new ExitStatus.Signaled(9, false),
                Optional.of(Duration.ofMillis(10_020)), Optional.empty())), "", "",
            Cause.CPU_LIMIT, "10020 ms"),
        row("SIGKILL from nobody", FailureKind.KILLED_BEFORE_HEADERS,
            Optional.of(termination(new ExitStatus.Signaled(9, false),
                Optional.of(Duration.ofMillis(300)), Optional.empty())), "", "",
            Cause.KILLED_EXTERNALLY, "not sent by the gateway"),
        row("SIGSEGV near the AS limit", FailureKind.KILLED_BEFORE_HEADERS,
            Optional.of(new Termination(new ExitStatus.Signaled(11, false),
                Duration.ofMillis(120), Optional.empty(), Optional.of(200L * 1024 * 1024),
                Optional.empty())), "", "", Cause.MEMORY_LIMIT, "268435456"),
        row("SIGSEGV far below the AS limit", FailureKind.KILLED_BEFORE_HEADERS,
            Optional.of(signaled(11)), "", "", Cause.CRASHED, "SIGSEGV, peak resident memory"),
        row("SIGBUS far below the AS limit", FailureKind.KILLED_BEFORE_HEADERS,
            Optional.of(signaled(7)), "", "", Cause.CRASHED, "SIGBUS"),
        row("stdout closed, alive", FailureKind.INCOMPLETE_HEADERS, Optional.empty(),
            "Content-Type: text/html\n", "", Cause.STDOUT_CLOSED_EARLY, "24 header bytes"),
        row("html first", FailureKind.MALFORMED_HEADERS, Optional.of(exited(0)),
            "<html><body>hello\n", "", Cause.BODY_BEFORE_HEADERS, "<html>"),
        row("line without colon", FailureKind.MALFORMED_HEADERS, Optional.of(exited(0)),
            "Content-Type: text/html\nX-Broken header\n\n", "", Cause.HEADER_WITHOUT_COLON,
            "X-Broken header"),
        row("too large", FailureKind.HEADERS_TOO_LARGE, Optional.empty(), "A: b\n", "",
            Cause.HEADERS_TOO_LARGE, "summary"),
        row("timeout", FailureKind.HEADER_TIMEOUT, Optional.of(signaled(9)), "", "",
            Cause.HEADER_TIMEOUT, "30000 ms"));
  }

  private static Arguments row(String name, FailureKind kind, Optional<Termination> termination,
      String headers, String stderr, Cause cause, String detailPart) {
    return Arguments.of(name, failure(kind, evidence(termination, headers, stderr)), cause,
        detailPart);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void namesTheMostLikelyCause(String name, Failure failure, Cause cause, String detailPart) {
    Optional<Diagnosis> diagnosis = Diagnoser.diagnose(failure, PLAIN);

    assertThat(diagnosis).isPresent();
    assertThat(diagnosis.get().cause()).isEqualTo(cause);
    assertThat(diagnosis.get().detail()).contains(detailPart);
  }

  @Test
  void sigkillSentByTheGatewayIsNotBlamedOnAnyone() {
    Termination killed = termination(
        new ExitStatus.Signaled(9, false), Optional.of(Duration.ofMillis(5)), Optional.of(15));
    Failure failure =
        failure(FailureKind.KILLED_BEFORE_HEADERS, evidence(Optional.of(killed), "", ""));

    assertThat(Diagnoser.diagnose(failure, PLAIN)).isEmpty();
  }

  @Test
  void staticFindingExplainsASpawnFailure() {
    DiagnosisContext context = new DiagnosisContext(LIMITED, Duration.ofSeconds(30), List.of(
        new Finding(Finding.Kind.WORLD_WRITABLE, "dir is world-writable"),
        new Finding(Finding.Kind.SHEBANG_CR, "the interpreter it names is `perl\\r`")));
    Evidence evidence = new Evidence(Optional.empty(),
        Optional.of(new SpawnError(2, "ENOENT", "cannot run report.pl")), new byte[0],
        new byte[0], Duration.ZERO, Samples.SCRIPT, List.of(Samples.SCRIPT));

    Optional<Diagnosis> diagnosis =
        Diagnoser.diagnose(failure(FailureKind.SPAWN_FAILED, evidence), context);

    assertThat(diagnosis).contains(
        new Diagnosis(Cause.SHEBANG_CR, "the interpreter it names is `perl\\r`"));
  }

  @Test
  void spawnErrnoAloneStillPointsToACause() {
    Evidence evidence = new Evidence(Optional.empty(),
        Optional.of(new SpawnError(13, "EACCES", "permission denied")), new byte[0],
        new byte[0], Duration.ZERO, Samples.SCRIPT, List.of(Samples.SCRIPT));

    assertThat(Diagnoser.diagnose(failure(FailureKind.SPAWN_FAILED, evidence), PLAIN))
        .map(Diagnosis::cause).contains(Cause.NOT_EXECUTABLE);
  }

  @Test
  void plainExitWithoutCluesHasNoCause() {
    Failure failure = failure(FailureKind.EXITED_BEFORE_HEADERS,
        evidence(Optional.of(exited(3)), "", "something went wrong\n"));

    assertThat(Diagnoser.diagnose(failure, PLAIN)).isEmpty();
  }
}
