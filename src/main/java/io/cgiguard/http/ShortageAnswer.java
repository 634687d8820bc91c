package io.cgiguard.http;

import io.cgiguard.admission.ProcessShortage;
import io.cgiguard.attempt.Outcome;
import io.cgiguard.diagnose.Cause;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.FailureKind;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * How a request that met a process shortage is answered: 503 (the condition is temporary, unlike
 * the 502 of a script that cannot start at all) with {@code Retry-After}, failure kind {@code
 * spawn-failed}, and a diagnosis that names the limit. The request is marked with
 * {@link #ATTRIBUTE} so that the access log can tell a shortage from any other spawn failure.
 *
 * @param cause the sentence naming the shortage, such as "the process table of this service is
 *     full: cgroup pids.max 38 reached"
 * @param retryAfter what the client is told to wait
 */
record ShortageAnswer(String cause, Duration retryAfter) {

  /** The request attribute that holds {@link #cause} for a request answered for a shortage. */
  static final String ATTRIBUTE = "io.cgiguard.shortage";
  static final int STATUS = 503;

  /** @return the answer when {@code outcome} failed for lack of processes, else empty */
  static Optional<ShortageAnswer> of(Outcome outcome, ProcessShortage shortage) {
    if (outcome instanceof Outcome.Refused refused
        && refused.kind() == FailureKind.SPAWN_FAILED) {
      return Optional.of(new ShortageAnswer(refused.reason(), refused.retryAfter()));
    }
    if (outcome instanceof Outcome.Failed failed
        && ProcessShortage.isShortage(failed.failure())) {
      String cause = shortage.cause().orElse(shortage.lastCause());
      return Optional.of(new ShortageAnswer(cause.isEmpty() ? failed.failure().summary() : cause,
          shortage.retryAfter()));
    }
    return Optional.empty();
  }

  Diagnosis diagnosis() {
    return new Diagnosis(Cause.PROCESS_SHORTAGE, cause);
  }

  void mark(Request request) {
    request.setAttribute(ATTRIBUTE, cause);
  }
}
