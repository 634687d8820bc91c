package io.cgiguard.attempt;

import io.cgiguard.cgi.HeaderBlock;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.ScriptProcess;
import java.time.Duration;

/** How the attempt loop ended for one request. */
public sealed interface Outcome {

  /** The attempts made, for the page and the {@code X-Cgiguard-Attempts} header. */
  AttemptHistory history();

  /**
   * A script produced a complete header block: the response can be relayed. The caller owns the
   * process and the ticket and must {@link Ticket#finish(boolean)} it once the body is relayed.
   */
  record Relay(ScriptProcess process, HeaderBlock.Complete block, AttemptHistory history,
      Ticket ticket) implements Outcome {}

  /** Nothing was launched: the gateway is saturated or the script's circuit is open. */
  record Refused(FailureKind kind, String reason, Duration retryAfter, AttemptHistory history)
      implements Outcome {}

  /** Every attempt failed before a complete header block. */
  record Failed(Failure failure, AttemptHistory history) implements Outcome {}

  /** The slot and circuit of a relayed response, released when the relay ends. */
  interface Ticket {
    /**
     * Releases the bulkhead slot and tells the circuit how the request ended.
     *
     * @param success whether the body was relayed whole
     */
    void finish(boolean success);
  }
}
