package io.cgiguard.attempt;

import static io.cgiguard.attempt.Samples.bytes;
import static io.cgiguard.attempt.Samples.exited;
import static io.cgiguard.attempt.Samples.run;
import static io.cgiguard.attempt.Samples.signaled;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.cgi.HeaderBlock;
import io.cgiguard.cgi.HeaderField;
import io.cgiguard.cgi.ResponseHead;
import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.SpawnError;
import io.cgiguard.launch.Termination;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClassifierTest {

  static Stream<Arguments> failures() {
    Optional<Termination> none = Optional.empty();
    return Stream.of(
        Arguments.of("incomplete + exited", read(new HeaderBlock.Incomplete(new byte[0]),
            Optional.of(exited(1))), FailureKind.EXITED_BEFORE_HEADERS,
            "The script exited with code 1 before it finished its response headers"
                + " (0 bytes of headers arrived)"),
        Arguments.of("incomplete + signaled", read(new HeaderBlock.Incomplete(bytes("Content-")),
            Optional.of(signaled(11))), FailureKind.KILLED_BEFORE_HEADERS,
            "The script was killed by SIGSEGV before it finished its response headers"
                + " (8 bytes of headers arrived)"),
        Arguments.of("incomplete, still running", read(new HeaderBlock.Incomplete(bytes("X")),
            none), FailureKind.INCOMPLETE_HEADERS,
            "The script closed its output before it finished its response headers and was"
                + " still running (1 byte of headers arrived)"),
        Arguments.of("malformed", read(new HeaderBlock.Malformed("no colon", 1, bytes("<html>\n")),
            Optional.of(exited(0))), FailureKind.MALFORMED_HEADERS,
            "The script's response headers are not valid CGI on line 1: no colon"),
        Arguments.of("too large", read(new HeaderBlock.TooLarge(65536, new byte[10]), none),
            FailureKind.HEADERS_TOO_LARGE,
            "The script's response headers grew past the limit of 65536 bytes without ending"),
        Arguments.of("timeout", new Observation.HeaderTimedOut(bytes("Status: 200\r\n"),
            Optional.of(signaled(9))), FailureKind.HEADER_TIMEOUT,
            "The script did not finish its response headers within the header timeout"
                + " (13 bytes of headers arrived)"),
        Arguments.of("spawn", new Observation.SpawnFailed(new SpawnError(2, "ENOENT",
            "no such program /usr/bin/perl")), FailureKind.SPAWN_FAILED,
            "The script could not be started (ENOENT): no such program /usr/bin/perl"));
  }

  private static Observation read(HeaderBlock block, Optional<Termination> termination) {
    return new Observation.HeadersRead(block, termination);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void classifiesEachObservationAsExactlyOneFailure(
      String name, Observation observation, FailureKind kind, String summary) {
    Verdict verdict = Classifier.classify(observation, run("oops\n"));

    assertThat(verdict).isInstanceOf(Verdict.Failed.class);
    Failure failure = ((Verdict.Failed) verdict).failure();
    assertThat(failure.kind()).isEqualTo(kind);
    assertThat(failure.summary()).isEqualTo(summary);
    assertThat(failure.evidence().stderrText()).isEqualTo("oops\n");
    assertThat(failure.evidence().scriptPath()).isEqualTo(Samples.SCRIPT);
  }

  @Test
  void completeBlockIsSuccessEvenWhenTheScriptAlreadyExited() {
    ResponseHead head = new ResponseHead(200, "",
        List.of(new HeaderField("Content-Type", "text/plain")), ResponseHead.Type.DOCUMENT);
    HeaderBlock.Complete complete =
        new HeaderBlock.Complete(head, bytes("Content-Type: text/plain\n\n"), bytes("hi"));

    Verdict verdict = Classifier.classify(read(complete, Optional.of(exited(0))), run(""));

    assertThat(verdict).isEqualTo(new Verdict.Success(complete));
  }

  @Test
  void evidenceKeepsTheHeaderBytesThatArrived() {
    Verdict verdict = Classifier.classify(
        read(new HeaderBlock.Incomplete(bytes("Content-Type: te")), Optional.of(exited(2))),
        run(""));

    Evidence evidence = ((Verdict.Failed) verdict).failure().evidence();
    assertThat(evidence.headerText()).isEqualTo("Content-Type: te");
    assertThat(evidence.termination()).contains(exited(2));
    assertThat(evidence.spawnError()).isEmpty();
  }

  @Test
  void spawnFailureKeepsTheErrnoOnTheEvidence() {
    SpawnError error = new SpawnError(11, "EAGAIN", "fork: resource temporarily unavailable");

    Verdict verdict = Classifier.classify(new Observation.SpawnFailed(error), run(""));

    assertThat(((Verdict.Failed) verdict).failure().evidence().spawnError()).contains(error);
  }
}
