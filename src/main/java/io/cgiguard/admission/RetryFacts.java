package io.cgiguard.admission;

import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.SpawnError;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link RetryPolicy} needs to know after a failed attempt. Nothing of the response has
 * reached the client at that point: the attempt loop decides before any header is relayed, and a
 * failure after that (a truncated or stalled body) is never retried.
 *
 * @param kind the failure's kind
 * @param spawnErrno the errno name (such as {@code EAGAIN}) when the kind is spawn-failed
 * @param certainCause the failure's cause when it is diagnosed with certainty and lies in the
 *     script, so that another attempt would fail the same way
 * @param method the request method, as received
 * @param body whether the request body can be replayed
 * @param attemptsMade attempts made so far, the failed one included (1 after the first)
 * @param elapsed time since the request arrived
 */
public record RetryFacts(
    FailureKind kind,
    Optional<String> spawnErrno,
    Optional<String> certainCause,
    String method,
    RequestBody body,
    int attemptsMade,
    Duration elapsed) {

  public RetryFacts {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(spawnErrno, "spawnErrno");
    Objects.requireNonNull(certainCause, "certainCause");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** @return the facts after {@code failure}, its kind and spawn errno taken from it */
  public static RetryFacts after(
      Failure failure,
      Optional<String> certainCause,
      String method,
      RequestBody body,
      int attemptsMade,
      Duration elapsed) {
    return new RetryFacts(
        failure.kind(),
        failure.evidence().spawnError().map(SpawnError::errnoName),
        certainCause,
        method,
        body,
        attemptsMade,
        elapsed);
  }
}
