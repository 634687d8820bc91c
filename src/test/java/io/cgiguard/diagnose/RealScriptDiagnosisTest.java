package io.cgiguard.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.attempt.Classifier;
import io.cgiguard.attempt.Observation;
import io.cgiguard.attempt.ScriptRun;
import io.cgiguard.attempt.Verdict;
import io.cgiguard.cgi.HeaderBlock;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.Termination;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs misbehaving scripts of {@code test-scripts/} for real and checks that the
 * classifier and the diagnoser recognise what real perl, env and sh write, not what a test author
 * imagined they write. The JDK's {@link Process} stands in for the launcher here: it reports a
 * death by signal n as exit value 128 + n, which {@link #termination} turns back into a signal.
 */
@Timeout(60)
class RealScriptDiagnosisTest {

  private record Ran(byte[] stdout, byte[] stderr, Termination termination) {}

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      startup-failures/shebang-crlf-via-env.cgi | EXITED_BEFORE_HEADERS | SHEBANG_CR         | perl\\r
      startup-failures/perl-syntax-error.pl     | EXITED_BEFORE_HEADERS | PERL_COMPILE_ERROR | syntax error at
      startup-failures/perl-missing-module.pl   | EXITED_BEFORE_HEADERS | PERL_COMPILE_ERROR | Can't locate
      startup-failures/exit-128-silent.sh       | EXITED_BEFORE_HEADERS | NT_INIT_FAILURE    | exit code 128
      before-headers/sigkill-self.cgi           | KILLED_BEFORE_HEADERS | KILLED_EXTERNALLY  | not sent by the gateway
      """)
  void diagnosesWhatARealScriptWrote(
      String script, FailureKind kind, Cause cause, String detailPart) throws Exception {
    Path path = TestScripts.path(script);
    Ran ran = run(path);
    ScriptRun run = new ScriptRun(path.toString(), List.of(path.toString()), ran.stderr(),
        ran.termination().wallTime());

    Verdict verdict = Classifier.classify(new Observation.HeadersRead(
        new HeaderBlock.Incomplete(ran.stdout()), Optional.of(ran.termination())), run);

    assertThat(verdict).isInstanceOf(Verdict.Failed.class);
    Failure failure = ((Verdict.Failed) verdict).failure();
    assertThat(failure.kind()).isEqualTo(kind);
    DiagnosisContext context = DiagnosisContext.inspecting(
        ResourceLimits.NONE, Duration.ofSeconds(30), path, "/usr/bin:/bin");
    Optional<Diagnosis> diagnosis = Diagnoser.diagnose(failure, context);
    assertThat(diagnosis).map(Diagnosis::cause).contains(cause);
    assertThat(diagnosis.get().detail()).contains(detailPart);
  }

  private static Ran run(Path script) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(List.of(script.toString()));
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/bin:/bin");
    builder.environment().put("LANG", "C");
    long started = System.nanoTime();
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<byte[]> stderr =
        CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
    byte[] stdout = drain(process.getInputStream());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("script ends").isTrue();
    Duration wall = Duration.ofNanos(System.nanoTime() - started);
    return new Ran(stdout, stderr.join(), termination(process.exitValue(), wall));
  }

  private static Termination termination(int exitValue, Duration wall) {
    // Ambiguous in general (exit 137 looks like SIGKILL), but no fixture exits above 128 except
    // perl's 255, which is past the last Linux signal number (64).
    ExitStatus status = exitValue > 128 && exitValue - 128 <= 64
        ? new ExitStatus.Signaled(exitValue - 128, false)
        : new ExitStatus.Exited(exitValue);
    return new Termination(status, wall, Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static byte[] drain(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("reading a script's pipe", e);
    }
  }
}
