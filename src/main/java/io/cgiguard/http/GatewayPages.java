package io.cgiguard.http;

import com.google.common.net.InetAddresses;
import io.cgiguard.attempt.AttemptHistory;
import io.cgiguard.config.AddressRange;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.render.DiagnosticPage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every response the gateway makes itself: plain refusals (400, 403, 404, 405, 413, 414, 431) and
 * failure pages. Each carries {@code X-Request-Id}, a strict Content-Security-Policy and no
 * caching; a failure also carries {@code X-Cgiguard-Failure}. Whether a failure page shows its
 * evidence follows IIS's errorMode.
 */
final class GatewayPages {

  static final String REQUEST_ID = "X-Request-Id";
  static final String FAILURE = "X-Cgiguard-Failure";
  static final String ATTEMPTS = "X-Cgiguard-Attempts";
  static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

  private final GatewayConfig.Diagnostics diagnostics;
  private final List<AddressRange> localClients;
  private final List<String> localHostNames;
  private final DiagnosticPage page;

  GatewayPages(GatewayConfig.Diagnostics diagnostics, List<AddressRange> localClients,
      List<String> localHostNames) throws IOException {
    this.diagnostics = diagnostics;
    this.localClients = List.copyOf(localClients);
    this.localHostNames = List.copyOf(localHostNames);
    this.page = diagnostics.errorMode() == GatewayConfig.ErrorMode.CUSTOM
        ? DiagnosticPage.custom(Files.readAllBytes(diagnostics.customPage().orElseThrow()),
            "text/html; charset=utf-8", HttpStatus::getMessage)
        : DiagnosticPage.standard(HttpStatus::getMessage);
  }

  /** Answers with a short page that says why the request was refused. */
  void refuse(Request request, Response response, Callback callback, String requestId, int status,
      String reason) {
    DiagnosticPage.Rendered rendered = refusalPage(format(request), status, reason, requestId);
    send(response, callback, requestId, status, rendered.contentType(), rendered.body());
  }

  /** @return the short page of a refusal, for a path that writes the response itself */
  DiagnosticPage.Rendered refusalPage(DiagnosticPage.Format format, int status, String reason,
      String requestId) {
    return page.refusal(format, status, reason, requestId);
  }

  /** Answers with the diagnostic page of a failure that happened before anything was sent. */
  void fail(Request request, Response response, Callback callback, String requestId,
      FailureKind kind, AttemptHistory history, Optional<Diagnosis> diagnosis,
      Optional<Duration> retryAfter) {
    fail(request, response, callback, requestId, kind, kind.status(), history, diagnosis,
        retryAfter);
  }

  /** As above, with a status other than the kind's own (503 for a shortage of processes). */
  void fail(Request request, Response response, Callback callback, String requestId,
      FailureKind kind, int status, AttemptHistory history, Optional<Diagnosis> diagnosis,
      Optional<Duration> retryAfter) {
    ReasonPhrase.withdraw(request);
    DiagnosticPage.Rendered rendered = page.render(format(request), detailed(request), requestId,
        status, kind, history.attempts(), diagnosis);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(FAILURE, kind.label());
    headers.put(ATTEMPTS, Integer.toString(history.count()));
    retryAfter.ifPresent(after -> headers.put("Retry-After",
        Long.toString(Math.max(1, (after.toMillis() + 999) / 1000))));
    send(response, callback, requestId, status, rendered.contentType(), rendered.body());
  }

  /** @return the page format the request's {@code Accept} header prefers */
  static DiagnosticPage.Format format(Request request) {
    return DiagnosticPage.Format.negotiate(request.getHeaders().get("Accept"));
  }

  /** @return whether this client may see a failure's evidence */
  boolean detailed(Request request) {
    return switch (diagnostics.errorMode()) {
      case DETAILED -> true;
      case CUSTOM -> false;
      case DETAILED_LOCAL_ONLY -> local(request);
    };
  }

  /**
   * @return whether the client is local: its address is in {@code [server] local-clients}, and
   *     it asked for a host that names this machine ({@link #localHost})
   */
  boolean local(Request request) {
    return localAddress(request) && localHost(request);
  }

  /** @return whether the client's address is in {@code [server] local-clients} */
  boolean localAddress(Request request) {
    SocketAddress address = request.getConnectionMetaData().getRemoteSocketAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      InetAddress ip = inet.getAddress();
      return localClients.stream().anyMatch(range -> range.contains(ip));
    }
    return false;
  }

  /**
   * Whether the request's host (its {@code Host}, or the address it reached without one) is an IP
   * address, {@code localhost} or a name under {@code .localhost}, or one of
   * {@code [server] local-host-names}.
   *
   * <p>Why a local client's host matters (DNS rebinding): a web page in a browser on this machine
   * can point its own name at 127.0.0.1 and then read, as a page of its own origin, whatever the
   * gateway shows a local client. The browser sends that name as the {@code Host}; an IP address
   * or a {@code .localhost} name cannot be re-pointed that way.
   */
  boolean localHost(Request request) {
    String host = Request.getServerName(request);
    if (host == null || host.isEmpty() || InetAddresses.isUriInetAddress(host)) {
      return true;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.equals("localhost") || name.endsWith(".localhost")
        || localHostNames.contains(name) || localHostNames.contains("*");
  }

  /** Puts the request id and the fields every page of the gateway's own carries. */
  static void securityFields(HttpFields.Mutable headers, String requestId) {
    headers.put(REQUEST_ID, requestId);
    headers.put("Content-Security-Policy", CSP);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Cache-Control", "no-store");
  }

  static void send(Response response, Callback callback, String requestId, int status,
      String contentType, byte[] body) {
    send(response, callback, requestId, status, contentType, CSP, body);
  }

  /** As {@link #send(Response, Callback, String, int, String, byte[])} under policy {@code csp}. */
  static void send(Response response, Callback callback, String requestId, int status,
      String contentType, String csp, byte[] body) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    securityFields(headers, requestId);
    headers.put("Content-Type", contentType);
    headers.put("Content-Security-Policy", csp);
    headers.put("Content-Length", Integer.toString(body.length));
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
