package io.cgiguard.attempt;

import io.cgiguard.admission.RetryPolicy;
import io.cgiguard.launch.LaunchSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

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
    Instant arrived) {

  public AttemptPlan {
    Objects.requireNonNull(scriptKey, "scriptKey");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(body, "body");
  }
}
