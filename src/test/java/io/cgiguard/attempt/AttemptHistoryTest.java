package io.cgiguard.attempt;

import static io.cgiguard.attempt.Samples.evidence;
import static io.cgiguard.attempt.Samples.exited;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgiguard.admission.RequestBody;
import io.cgiguard.admission.RetryFacts;
import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.SpawnError;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AttemptHistoryTest {

  private static final Failure FAILURE = Samples.failure(
      FailureKind.EXITED_BEFORE_HEADERS, evidence(Optional.of(exited(1)), "X", "err"));

  @Test
  void keepsEveryAttemptInOrderAndNeverChangesAnEarlierHistory() {
    AttemptHistory one =
        AttemptHistory.empty().with(Attempt.failed(1, FAILURE, Duration.ofMillis(10)));
    AttemptHistory two = one.with(Attempt.succeeded(2, Duration.ofMillis(20)));

    assertThat(one.count()).isEqualTo(1);
    assertThat(one.lastFailure()).contains(FAILURE);
    assertThat(two.count()).isEqualTo(2);
    assertThat(two.last()).map(Attempt::success).contains(true);
    assertThat(two.lastFailure()).isEmpty();
    assertThat(two.totalElapsed()).isEqualTo(Duration.ofMillis(30));
    assertThat(AttemptHistory.of(two.attempts()).attempts()).isEqualTo(two.attempts());
  }

  @Test
  void refusesAttemptsOutOfOrder() {
    assertThatThrownBy(() -> AttemptHistory.empty().with(Attempt.succeeded(2, Duration.ZERO)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Attempt.succeeded(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void evidenceBytesCannotBeChangedFromOutside() {
    byte[] headers = "Status: 200".getBytes();
    Evidence evidence = new Evidence(Optional.empty(), Optional.empty(), headers, new byte[0],
        Duration.ZERO, Samples.SCRIPT, List.of(Samples.SCRIPT));

    headers[0] = 'X';
    evidence.headerBytes()[1] = 'X';

    assertThat(evidence.headerText()).isEqualTo("Status: 200");
  }

  @Test
  void retryFactsAfterAFailureTakeItsKindAndErrno() {
    Evidence spawn = new Evidence(Optional.empty(),
        Optional.of(new SpawnError(11, "EAGAIN", "fork failed")), new byte[0], new byte[0],
        Duration.ZERO, Samples.SCRIPT, List.of(Samples.SCRIPT));
    Failure failure = new Failure(FailureKind.SPAWN_FAILED, "could not start", spawn);

    RetryFacts facts =
        RetryFacts.after(failure, Optional.empty(), "GET", RequestBody.NONE, 1,
            Duration.ZERO);

    assertThat(facts.kind()).isEqualTo(FailureKind.SPAWN_FAILED);
    assertThat(facts.spawnErrno()).contains("EAGAIN");
  }
}
