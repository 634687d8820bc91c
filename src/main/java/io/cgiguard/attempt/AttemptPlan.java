package io.cgiguard.attempt;

import io.cgiguard.admission.RetryPolicy;
import io.cgiguard.failure.Failure;
import io.cgiguard.launch.LaunchSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the attempt loop needs to run one request's script, decided by the HTTP layer.
 *
 * @param scriptKey the script's identity for the bulkhead, the circuit and metrics (its URL path)
 * @param spec what to launch, the same for every attempt
 * @param method the request method, for the retry rules
 * @param body the request body
 * @param retry the retry rules of the script's mapping
 * @param headerTimeout from spawn to a complete header block
 * @param killGrace from SIGTERM to SIGKILL
 * @param maxHeaderBytes the largest header block accepted
 * @param nph whether the script is a non-parsed-header script
 * @param queueWait the longest wait for a bulkhead slot
 * @param arrived when the request arrived, for the retry deadline
 * @param incurable names a failure that is certain to repeat, so that it is not retried
 */
public record AttemptPlan(
    String scriptKey,
    LaunchSpec spec,
    String method,
    BodySource body,
    RetryPolicy retry,
    Duration headerTimeout,
    Duration killGrace,
    int maxHeaderBytes,
    boolean nph,
    Duration queueWait,
    Instant arrived,
    Incurable incurable) {

  /**
   * Judges a failed attempt from its evidence: when the failure's cause is certain and lies in
   * the script itself (a compile error, a missing interpreter, a CR in the #! line), another
   * attempt would fail the same way and only repeat its stderr.
   */
  @FunctionalInterface
  public interface Incurable {
    /** Judges nothing incurable: the retry policy alone decides. */
    Incurable NONE = failure -> Optional.empty();

    /** @return the certain cause of {@code failure}, or empty when a retry might cure it */
    Optional<String> cause(Failure failure);
  }

  public AttemptPlan {
    Objects.requireNonNull(scriptKey, "scriptKey");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(incurable, "incurable");
  }
}
