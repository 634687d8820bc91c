package io.cgiguard.http;

import io.cgiguard.attempt.Abandonment;
import io.cgiguard.attempt.AttemptPlan;
import io.cgiguard.attempt.BodySource;
import io.cgiguard.attempt.Outcome;
import io.cgiguard.attempt.Watchdog;
import io.cgiguard.cgi.Resolution;
import io.cgiguard.cgi.ResponseHead;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.diagnose.Cause;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.observe.RunningScript;
import io.cgiguard.plan.ScriptPlans;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a CGI request: relay what the guard let through, or explain what it did not.
 * Before the first body byte the gateway can still answer with a diagnostic page; after it, a
 * failure can only end the connection, which is what the client is told by an aborted response.
 */
final class ScriptRelay {

  private static final Logger LOG = LoggerFactory.getLogger(ScriptRelay.class);

  private final GatewayParts parts;
  private final CgiHandler.Redirects redirects;
  private final ScriptPlans plans;
  private final ResponseRelay relay;
  private final Watchdog watchdog;

  ScriptRelay(GatewayParts parts, CgiHandler.Redirects redirects) {
    this.parts = parts;
    this.redirects = redirects;
    this.plans = new ScriptPlans(parts.config());
    this.relay = new ResponseRelay(new ResponseRelay.RelaySettings(
        parts.config().response().defaultContentType(), parts.config().timeouts().bodyIdle(),
        parts.config().timeouts().linger()));
    this.watchdog = parts.attempts().watchdog();
  }

  void answer(Request request, Response response, Callback callback, String requestId,
      Resolution.Found script, AttemptPlan plan, Outcome outcome, BodySource body,
      Optional<GatewayConfig.HandlerMapping> mapping, Abandonment abandonment) throws Exception {
    OutcomeLog.RequestLine line = new OutcomeLog.RequestLine(requestId, request.getMethod(),
        request.getHttpURI().getPath(), script.scriptName(), request);
    if (abandonment.abandoned()) {
      abandoned(callback, line, outcome);
      return;
    }
    if (outcome instanceof Outcome.Relay relayable) {
      relay(request, response, callback, requestId, line, plan, relayable, mapping, abandonment);
      return;
    }
    if (body instanceof RequestBodies.Streamed streamed && streamed.tooLarge()) {
      parts.pages().refuse(request, response, callback, requestId, 413, "the request body is "
          + "larger than " + parts.config().request().maxBodyBytes() + " bytes");
      return;
    }
    Optional<String> requestFailure = body.requestFailure();
    if (requestFailure.isPresent()) {
      requestFailed(request, response, callback, requestId, line, requestFailure.get(), 400);
      return;
    }
    Duration elapsed = Duration.between(plan.arrived(), parts.clock().instant());
    Optional<ShortageAnswer> shortage = ShortageAnswer.of(outcome, parts.attempts().shortage());
    if (shortage.isPresent()) {
      shortage(request, response, callback, requestId, line, outcome, shortage.get(), elapsed);
      return;
    }
    if (outcome instanceof Outcome.Refused refused) {
      parts.outcomes().failed(line, refused.kind(), 0, Optional.empty(), Optional.empty(), elapsed,
          refused.reason());
      parts.pages().fail(request, response, callback, requestId, refused.kind(), refused.history(),
          Optional.empty(), Optional.of(refused.retryAfter()));
      return;
    }
    Outcome.Failed failed = (Outcome.Failed) outcome;
    Optional<Diagnosis> diagnosis = parts.launcher().isClosed()
        ? Optional.of(new Diagnosis(Cause.GATEWAY_STOPPING, "the gateway is stopping and killed"
            + " the script's process group (after [server] drain-timeout, or at once on SIGINT)"))
        : plans.diagnose(failed.failure(), plan, script.scriptFile());
    parts.outcomes().failed(line, failed.failure().kind(), failed.history().count(),
        Optional.of(failed.failure()), diagnosis, elapsed, failed.failure().summary());
    parts.pages().fail(request, response, callback, requestId, failed.failure().kind(),
        failed.history(), diagnosis, Optional.empty());
  }

  /** Spawns fail for lack of processes: logged once per episode, not per request. */
  private void shortage(Request request, Response response, Callback callback, String requestId,
      OutcomeLog.RequestLine line, Outcome outcome, ShortageAnswer answer, Duration elapsed) {
    answer.mark(request);
    Optional<Failure> failure = outcome instanceof Outcome.Failed failed
        ? Optional.of(failed.failure()) : Optional.empty();
    parts.outcomes().failedInShortage(line, outcome.history().count(), failure,
        answer.diagnosis(), elapsed);
    parts.pages().fail(request, response, callback, requestId, FailureKind.SPAWN_FAILED,
        ShortageAnswer.STATUS, outcome.history(), Optional.of(answer.diagnosis()),
        Optional.of(answer.retryAfter()));
  }

  private void relay(Request request, Response response, Callback callback, String requestId,
      OutcomeLog.RequestLine line, AttemptPlan plan, Outcome.Relay outcome,
      Optional<GatewayConfig.HandlerMapping> mapping, Abandonment abandonment) throws Exception {
    ScriptProcess process = outcome.process();
    ResponseHead head = outcome.block().head();
    if (head.type() == ResponseHead.Type.LOCAL_REDIRECT) {
      process.close();
      parts.outcomes().running().closed(process);
      String location = head.first("Location").orElseThrow();
      Optional<String> unusable = redirects.unusable(request, location);
      if (unusable.isPresent()) {
        // The script's answer is not one the gateway can carry out: its failure, with its page.
        outcome.ticket().finish(false);
        FailureKind kind = FailureKind.MALFORMED_HEADERS;
        parts.outcomes().failed(line, kind, outcome.history().count(), Optional.empty(),
            Optional.empty(), since(plan.arrived()), unusable.get());
        parts.pages().fail(request, response, callback, requestId, kind, outcome.history(),
            Optional.empty(), Optional.empty());
        return;
      }
      outcome.ticket().finish(true);
      parts.outcomes().succeeded(line, outcome.history().count(), since(plan.arrived()));
      redirects.dispatch(request, response, callback, location, head);
      return;
    }
    relay.head(request, response, head);
    response.getHeaders().put(GatewayPages.REQUEST_ID, requestId);
    response.getHeaders().put(GatewayPages.ATTEMPTS, Integer.toString(outcome.history().count()));
    Optional<String> unrelayable = ResponseHeadLimit.check(response.getHeaders(),
        ResponseHeadLimit.bufferBytes(parts.config().limits().maxHeaderBytes()));
    if (unrelayable.isPresent()) {
      process.close();
      outcome.ticket().finish(false);
      FailureKind kind = FailureKind.HEADERS_UNRELAYABLE;
      parts.outcomes().failed(line, kind, outcome.history().count(), Optional.empty(),
          Optional.empty(), since(plan.arrived()), unrelayable.get());
      response.reset();
      parts.pages().fail(request, response, callback, requestId, kind, outcome.history(),
          Optional.empty(), Optional.empty());
      return;
    }
    RelayResult result = null;
    parts.outcomes().running().moved(process, RunningScript.State.STREAMING);
    Duration remaining = plans.total(mapping).minus(since(plan.arrived()));
    try {
      try (BodyWatch watch = new BodyWatch(process, watchdog, plans.bodyIdle(mapping),
          remaining.isNegative() ? Duration.ZERO : remaining,
          parts.config().timeouts().linger())) {
        abandonment.watch(process);
        result = relay.body(request, response, process, outcome.block().bodyStart(),
            head.contentLength(), watch, plan.body());
        if (abandonment.abandoned() && !result.lastWritten()
            && result.end() != RelayResult.End.REQUEST_FAILED) {
          // The front server gave up on the request (a FastCGI abort, an HTTP/2 reset) and the
          // script was stopped for it: the body ended there, and neither a cut nor a stall is
          // the script's to answer for.
          result = new RelayResult(RelayResult.End.CLIENT_GONE, result.bodyBytes(),
              "the client abandoned the request");
        }
      } finally {
        abandonment.release();
      }
      finish(request, response, callback, requestId, line, plan, outcome, result);
    } finally {
      // After the answer, and without waiting: a close waits for the reap loop's report and the
      // end of stderr (up to 200 ms when a detached child holds it), and Jetty reads the next
      // request on the connection only once this handler has returned. The relay already knows
      // how the script ended; whatever of its group still runs is sent SIGKILL here.
      process.closeLater(() -> parts.outcomes().running().closed(process));
      if (result == null) {
        outcome.ticket().finish(false);
      }
    }
  }

  /** Logs how the relay ended and completes the response; the process is closed after this. */
  private void finish(Request request, Response response, Callback callback, String requestId,
      OutcomeLog.RequestLine line, AttemptPlan plan, Outcome.Relay outcome, RelayResult result) {
    Optional<FailureKind> failure = result.failure();
    outcome.ticket().finish(failure.isEmpty());
    if (result.end() == RelayResult.End.REQUEST_FAILED) {
      int status = plan.body() instanceof RequestBodies.Streamed streamed && streamed.tooLarge()
          ? 413 : 400;
      if (!response.isCommitted()) {
        response.reset();
        requestFailed(request, response, callback, requestId, line, result.detail(), status);
        return;
      }
      LOG.info("request {}: {} {}: {}; the script {} was stopped and the response cut off",
          line.requestId(), line.method(), line.path(), result.detail(), line.script());
      callback.failed(new IOException(result.detail()));
      return;
    }
    if (result.end() == RelayResult.End.COMPLETE) {
      parts.outcomes().succeeded(line, outcome.history().count(), since(plan.arrived()));
      if (result.lastWritten()) {
        callback.succeeded();
      } else if (!response.isCommitted() && response.getStatus() == HttpStatus.NOT_MODIFIED_304) {
        // Ending a response not yet committed has Jetty declare Content-Length: 0, which a 304
        // may carry only when the representation it stands for is empty (RFC 9110 section 8.6):
        // the head goes out without a length first, then the end.
        response.write(false, null, Callback.from(() -> response.write(true, null, callback),
            callback::failed));
      } else {
        response.write(true, null, callback);
      }
      return;
    }
    if (result.end() == RelayResult.End.OVERLONG) {
      parts.outcomes().succeeded(line, outcome.history().count(), since(plan.arrived()));
      if (!response.isCommitted()) {
        // A Content-Length of 0 and then bytes: nothing of the body went out, and the head with
        // its empty body is the whole answer (failing now would make it Jetty's 500).
        response.write(true, null, callback);
        return;
      }
      // The declared body is out; failing the callback ends the connection, so the cut-off
      // excess can never be read as the start of the next response on a keep-alive connection.
      callback.failed(new IOException(result.detail()));
      return;
    }
    if (result.end() == RelayResult.End.CLIENT_GONE) {
      parts.outcomes().succeeded(line, outcome.history().count(), since(plan.arrived()));
      callback.failed(new IOException(result.detail()));
      return;
    }
    FailureKind kind = failure.orElseThrow();
    parts.outcomes().failed(line, kind, outcome.history().count(), Optional.empty(),
        Optional.empty(), since(plan.arrived()), result.detail());
    if (!response.isCommitted()) {
      response.reset();
      parts.pages().fail(request, response, callback, requestId, kind, outcome.history(),
          Optional.empty(), Optional.empty());
      return;
    }
    // Committed: the only honest signal left is to end the connection without a clean end.
    callback.failed(new IOException(kind.label() + ": " + result.detail()));
  }

  /**
   * The request body could not be had from the client, and the script was stopped for it before
   * anything of its answer went out: the client is told why, and the log says it was the
   * client's request, not the script.
   */
  private void requestFailed(Request request, Response response, Callback callback,
      String requestId, OutcomeLog.RequestLine line, String why, int status) {
    LOG.info("request {}: {} {}: {}; the script {} was stopped", line.requestId(),
        line.method(), line.path(), why, line.script());
    parts.pages().refuse(request, response, callback, requestId, status, why);
  }

  /**
   * The client (or the front server for it) gave up before the response began: its script was
   * killed, and no page can reach anyone. The log says so instead of blaming the script.
   */
  /** The access log's outcome of a request whose client left before its answer began. */
  static final String CLIENT_GONE = "client-gone";

  private void abandoned(Callback callback, OutcomeLog.RequestLine line, Outcome outcome) {
    if (outcome instanceof Outcome.Relay relayable) {
      relayable.process().close();
      relayable.ticket().finish(true);
    }
    LOG.info("request {}: {} {} abandoned by the client; the script {} was stopped",
        line.requestId(), line.method(), line.path(), line.script());
    AccessLog.recordScript(line.request(), line.script(), CLIENT_GONE, outcome.history().count());
    callback.failed(new org.eclipse.jetty.io.EofException("the client abandoned the request"));
  }

  private Duration since(Instant arrived) {
    return Duration.between(arrived, parts.clock().instant());
  }
}
