package io.cgiguard.http;

import io.cgiguard.failure.FailureKind;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of defence when a thread could not be made in the middle of a request ({@code
 * OutOfMemoryError: unable to create native thread}), which the gateway's own design avoids but a
 * library may still meet: the client gets a complete 503 with {@code Retry-After}, and the log one
 * line per episode (an episode ends after {@link #QUIET} without such a failure), never a stack
 * trace per request. Any other OutOfMemoryError is a heap exhausted and is rethrown.
 */
final class ThreadShortage {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadShortage.class);
  private static final Duration QUIET = Duration.ofSeconds(10);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final String MESSAGE = "unable to create native thread";

  private final AtomicLong lastNanos = new AtomicLong(System.nanoTime() - QUIET.toNanos() - 1);

  /** @return whether {@code error} says a thread could not be made */
  static boolean isThreadShortage(Throwable error) {
    return error instanceof OutOfMemoryError && error.getMessage() != null
        && error.getMessage().contains(MESSAGE);
  }

  /** Answers 503 for {@code error}, or rethrows it when it is not a thread shortage. */
  void answer(OutOfMemoryError error, Request request, Response response, Callback callback,
      String requestId, GatewayPages pages) {
    if (!isThreadShortage(error)) {
      throw error;
    }
    long now = System.nanoTime();
    long last = lastNanos.getAndSet(now);
    if (now - last > QUIET.toNanos()) {
      LOG.warn("thread shortage: the gateway could not make a thread ({}); requests that need one "
          + "are answered 503 with Retry-After until it can", error.getMessage());
    }
    String cause = "the process table of this service is full: no thread could be made";
    request.setAttribute(ShortageAnswer.ATTRIBUTE, cause);
    AccessLog.recordScript(request, "-", FailureKind.SPAWN_FAILED.label(), 0);
    response.getHeaders().put("Retry-After", Long.toString(RETRY_AFTER.toSeconds()));
    pages.refuse(request, response, callback, requestId, ShortageAnswer.STATUS, cause);
  }
}
