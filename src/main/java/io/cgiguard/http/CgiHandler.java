package io.cgiguard.http;

import io.cgiguard.attempt.Abandonment;
import io.cgiguard.attempt.AttemptPlan;
import io.cgiguard.attempt.BodySource;
import io.cgiguard.attempt.Outcome;
import io.cgiguard.attempt.ScriptAttempts;
import io.cgiguard.cgi.EnvironmentPolicy;
import io.cgiguard.cgi.MetaVariables;
import io.cgiguard.cgi.Resolution;
import io.cgiguard.cgi.ResponseHead;
import io.cgiguard.cgi.ScriptResolver;
import io.cgiguard.cgi.SiteResolver;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.posix.SocketHangups;
import io.cgiguard.plan.FileRoles;
import io.cgiguard.plan.ScriptCommand;
import io.cgiguard.plan.ScriptPlans;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CGI side of one mount, and the one place where the flow reads as a whole:
 * resolve → environment → guarded attempts → relay or diagnose.
 */
final class CgiHandler {

  private static final Logger LOG = LoggerFactory.getLogger(CgiHandler.class);
  private static final ThreadShortage THREADS = new ThreadShortage();

  private final GatewayConfig.Mount mount;
  private final Path realMountDir;
  private final GatewayParts parts;
  private final ScriptCommand commands;
  private final ScriptPlans plans;
  private final ScriptRelay relay;
  private final MountFiles files;
  private final RequestFilter filter;

  CgiHandler(GatewayConfig.Mount mount, Path realMountDir, GatewayParts parts, Redirects redirects,
      MountFiles files) {
    this.mount = mount;
    this.realMountDir = realMountDir;
    this.parts = parts;
    this.commands = new ScriptCommand(parts.config().interpreters(), parts.config().arguments());
    this.plans = new ScriptPlans(parts.config());
    this.relay = new ScriptRelay(parts, redirects);
    this.files = files;
    this.filter = new RequestFilter(parts.config().request());
  }

  String urlPrefix() {
    return mount.url();
  }

  /** @return whether this mount serves the decoded path */
  boolean covers(String decodedPath) {
    return SiteMap.covers(mount.url(), decodedPath, files.caseInsensitive());
  }

  /** Runs the script that {@code segments} (below the mount) name, or says why not. */
  void handle(Request request, Response response, Callback callback, String requestId,
      List<String> segments) throws Exception {
    if (!mount.allowedMethods().contains(request.getMethod())) {
      methodNotAllowed(request, response, callback, requestId, mount.allowedMethods());
      return;
    }
    Optional<List<String>> folded = files.fold(request, response, callback, requestId,
        realMountDir, segments);
    if (folded.isEmpty()) {
      return;
    }
    segments = folded.get();
    if (mount.mapped()) {
      SiteResolver.Target target = files.resolve(request, mount, realMountDir, segments);
      if (target instanceof SiteResolver.Run script) {
        run(request, response, callback, requestId, script.script(), Optional.empty());
      } else if (target instanceof SiteResolver.Static file) {
        files.statics().serve(request, response, callback, requestId, realMountDir, file.file());
      } else {
        DocrootFiles.answer(parts.pages(), request, response, callback, requestId, target);
      }
      return;
    }
    String rawPath = request.getHttpURI().getPath();
    Resolution resolution = ScriptResolver.resolve(realMountDir, mount.url(), segments,
        rawPath != null && rawPath.endsWith("/"), mount.followSymlinksOutside());
    if (resolution instanceof Resolution.NotFound notFound) {
      parts.pages().refuse(request, response, callback, requestId, 404, notFound.reason());
      return;
    }
    if (resolution instanceof Resolution.Forbidden forbidden) {
      parts.pages().refuse(request, response, callback, requestId, 403, forbidden.reason());
      return;
    }
    run(request, response, callback, requestId, (Resolution.Found) resolution, Optional.empty());
  }

  /**
   * Runs the script a front server named (FastCGI in fcgiwrap mode), already checked against the
   * allowed roots; its params are the script's meta-variables.
   */
  void handleNamed(Request request, Response response, Callback callback, String requestId,
      Resolution.Found script, FastCgiParams params) throws Exception {
    run(request, response, callback, requestId, script, Optional.of(params.params()));
  }

  private void run(Request request, Response response, Callback callback, String requestId,
      Resolution.Found script, Optional<Map<String, String>> forwarded) throws Exception {
    if (filter.limitsExtensions()) {
      // Judged as the URL named it and as the file it is; a front server may name no URL.
      String urlName = script.scriptName().substring(script.scriptName().lastIndexOf('/') + 1);
      String fileName = script.scriptFile().getFileName().toString();
      Optional<RequestFilter.Rejection> unlisted = filter.checkServed(
          urlName.isEmpty() ? List.of(fileName) : List.of(urlName, fileName));
      if (unlisted.isPresent()) {
        parts.pages().refuse(request, response, callback, requestId, unlisted.get().status(),
            unlisted.get().reason());
        return;
      }
    }
    String rawQuery = request.getHttpURI().getQuery();
    ScriptCommand.Command command = commands.build(mount, script.scriptFile(), rawQuery);
    Optional<GatewayConfig.HandlerMapping> mapping = command.mapping();
    Optional<String> notRunnable = FileRoles.notRunnable(mapping, script.scriptFile(),
        script.scriptName());
    if (notRunnable.isPresent()) {
      parts.pages().refuse(request, response, callback, requestId, 403, notRunnable.get());
      return;
    }
    if (mapping.isPresent() && !mapping.get().verbs().isEmpty()
        && !mapping.get().verbs().contains(request.getMethod())) {
      methodNotAllowed(request, response, callback, requestId, mapping.get().verbs());
      return;
    }
    Map<String, String> environment = forwarded.isPresent()
        ? MetaVariables.forwarded(forwarded.get(), script.scriptFile(), policy(requestId))
        : files.withIisVariables(MetaVariables.build(ScriptFacts.of(request, script,
            parts.documentRoot().orElse(realMountDir)), policy(requestId)), request, script);
    Optional<String> refusal = plans.restriction(command.argv(), environment, script.scriptFile());
    if (refusal.isPresent()) {
      parts.pages().refuse(request, response, callback, requestId, 403, refusal.get());
      return;
    }
    BodySource body = body(request, mapping);
    // A streamed body's pump stops reading before the answer completes.
    Callback done = body instanceof RequestBodies.Streamed streamed
        ? streamed.stoppingFirst(callback) : callback;
    AttemptPlan plan = plans.plan(script, command, mapping, environment, request.getMethod(),
        body, Instant.ofEpochMilli(Request.getTimeStamp(request)), stderrSink(requestId, script));
    Abandonment abandonment = new Abandonment();
    request.addFailureListener(failure -> abandonment.abandon());
    // While the script runs the connection is not idle: the script's own timeouts (header,
    // body-idle, total) bound it. Jetty asks only when no read or write is waiting, so a client
    // too slow to take the answer or to send its body still meets [server] idle-timeout.
    request.addIdleTimeoutListener(timeout -> false);
    if (!request.getConnectionMetaData().getConnection().getEndPoint().isOpen()) {
      // The client, or the front server for it, left before this handler ran (a FastCGI request
      // whose connection closed in the same read as its last record): that failure went by
      // before the listener above was added, and is not told to it again.
      abandonment.abandon();
    }
    // Jetty does not read an HTTP/1.1 connection while its handler runs: a client leaving while
    // the script has not answered is heard of through this watch. Once the answer is relayed,
    // the relay's writes hear of it, as a cut-off answer must be told from a complete one there.
    SocketHangups.Watch hangup = parts.hangups().watch(request, abandonment::abandon);
    Callback finished = new Callback.Nested(done) {
      @Override
      public void succeeded() {
        // Before Jetty may close the connection: the watch holds a copy of its descriptor.
        hangup.end();
        super.succeeded();
      }

      @Override
      public void failed(Throwable failure) {
        hangup.end();
        super.failed(failure);
      }
    };
    // A request that has to wait for a slot gives its thread back: it continues on one of Jetty's
    // threads once a script may run, so the queue costs no threads.
    try {
      parts.attempts().run(plan, abandonment, request.getComponents().getExecutor(),
          new ScriptAttempts.Then() {
            @Override
            public void outcome(Outcome outcome) {
              // Ended before the relay: one that came first is seen there as an abandoned request.
              hangup.end();
              try {
                relay.answer(request, response, finished, requestId, script, plan, outcome, body,
                    mapping, abandonment);
              } catch (Throwable failure) {
                failed(failure);
              }
            }

            @Override
            public void failed(Throwable failure) {
              if (failure instanceof InterruptedException stopping) {
                // Only the gateway's own shutdown interrupts a request: end it without a page.
                Thread.currentThread().interrupt();
                finished.failed(new IOException("the gateway is stopping", stopping));
              } else if (failure instanceof RejectedExecutionException stopping) {
                finished.failed(new IOException("the gateway is stopping", stopping));
              } else if (failure instanceof OutOfMemoryError noThread) {
                THREADS.answer(noThread, request, response, finished, requestId, parts.pages());
              } else {
                if (failure instanceof IOException) {
                  LOG.debug("request {}: {}", requestId, failure.toString());
                } else {
                  LOG.warn("request {}: running {} failed", requestId, script.scriptName(),
                      failure);
                }
                finished.failed(failure);
              }
            }
          });
    } catch (RuntimeException | Error e) {
      hangup.end();
      throw e;
    }
  }

  private BodySource body(Request request, Optional<GatewayConfig.HandlerMapping> mapping)
      throws IOException {
    GatewayConfig.Retry retry = parts.config().retry();
    boolean replayable = mapping.map(GatewayConfig.HandlerMapping::retryBody).orElse(false);
    return RequestBodies.of(request, replayable, retry.replayBufferBytes(),
        parts.config().request().maxBodyBytes());
  }

  private EnvironmentPolicy policy(String requestId) {
    return new EnvironmentPolicy(parts.passedEnvironment(), mount.passAuthorization(),
        parts.config().environment().neutraliseShellshock(), parts.serverSoftware(),
        value -> LOG.warn("request {}: header {} looked like a bash function definition "
            + "(Shellshock, CVE-2014-6271){}", requestId, value.variable(),
            value.neutralised() ? "; it was emptied" : ""));
  }

  private static LaunchSpec.StderrSink stderrSink(String requestId, Resolution.Found script) {
    return new StderrLog(requestId, script.scriptName());
  }

  private void methodNotAllowed(Request request, Response response, Callback callback,
      String requestId, java.util.Set<String> allowed) {
    response.getHeaders().put("Allow", String.join(", ", allowed));
    parts.pages().refuse(request, response, callback, requestId, 405,
        "the method " + request.getMethod() + " is not allowed here");
  }

  /** A local redirect (RFC 3875 section 6.2.2) is handed back to the whole gateway. */
  interface Redirects {
    boolean dispatch(Request request, Response response, Callback callback, String location,
        ResponseHead head) throws Exception;

    /**
     * @return why {@code location}, a script's local redirect, names no path the gateway could
     *     serve (it cannot be parsed or decoded, or climbs above the root); empty when it does
     */
    Optional<String> unusable(Request request, String location);
  }
}
