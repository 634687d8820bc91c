package io.cgiguard.http;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
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
  private final DiagnosticPage page;

  GatewayPages(GatewayConfig.Diagnostics diagnostics, List<AddressRange> localClients)
      throws IOException {
    this.diagnostics = diagnostics;
    this.localClients = List.copyOf(localClients);
    this.page = diagnostics.errorMode() == GatewayConfig.ErrorMode.CUSTOM
        ? DiagnosticPage.custom(Files.readAllBytes(diagnostics.customPage().orElseThrow()),
            "text/html; charset=utf-8")
        : DiagnosticPage.standard();
  }

  /** Answers with a short page that says why the request was refused. */
  void refuse(Request request, Response response, Callback callback, String requestId, int status,
      String reason) {
    DiagnosticPage.Format format = DiagnosticPage.Format.negotiate(
        request.getHeaders().get("Accept"));
    String title = status + " " + HttpStatus.getMessage(status);
    String body = switch (format) {
      case JSON -> "{\"status\":" + status + ",\"error\":" + json(HttpStatus.getMessage(status))
          + ",\"reason\":" + json(reason) + ",\"request_id\":" + json(requestId) + "}\n";
      case TEXT -> title + "\n" + reason + "\nRequest id: " + requestId + "\n";
      case HTML -> html(title, reason, requestId);
    };
    send(response, callback, requestId, status, format.contentType(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers with the diagnostic page of a failure that happened before anything was sent. */
  void fail(Request request, Response response, Callback callback, String requestId,
      FailureKind kind, AttemptHistory history, Optional<Diagnosis> diagnosis,
      Optional<Duration> retryAfter) {
    DiagnosticPage.Format format = DiagnosticPage.Format.negotiate(
        request.getHeaders().get("Accept"));
    DiagnosticPage.Rendered rendered = page.render(format, detailed(request), requestId,
        kind.status(), kind, history.attempts(), diagnosis);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(FAILURE, kind.label());
    headers.put(ATTEMPTS, Integer.toString(history.count()));
    retryAfter.ifPresent(after -> headers.put("Retry-After",
        Long.toString(Math.max(1, (after.toMillis() + 999) / 1000))));
    send(response, callback, requestId, kind.status(), rendered.contentType(), rendered.body());
  }

  /** @return whether this client may see a failure's evidence */
  boolean detailed(Request request) {
    return switch (diagnostics.errorMode()) {
      case DETAILED -> true;
      case CUSTOM -> false;
      case DETAILED_LOCAL_ONLY -> local(request);
    };
  }

  /** @return whether the client is local: its address is in {@code [server] local-clients} */
  boolean local(Request request) {
    SocketAddress address = request.getConnectionMetaData().getRemoteSocketAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      InetAddress ip = inet.getAddress();
      return localClients.stream().anyMatch(range -> range.contains(ip));
    }
    return false;
  }

  static void send(Response response, Callback callback, String requestId, int status,
      String contentType, byte[] body) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(REQUEST_ID, requestId);
    headers.put("Content-Type", contentType);
    headers.put("Content-Security-Policy", CSP);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Cache-Control", "no-store");
    headers.put("Content-Length", Integer.toString(body.length));
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static String html(String title, String reason, String requestId) {
    Escaper escaper = HtmlEscapers.htmlEscaper();
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + escaper.escape(title) + "</title><style>body{font:16px/1.5 system-ui,sans-serif;"
        + "max-width:40em;margin:3em auto;padding:0 1em;color:#222}h1{font-size:1.4em}"
        + "code{background:#f3f3f3;padding:0 .3em}</style></head><body><h1>"
        + escaper.escape(title) + "</h1><p>" + escaper.escape(reason)
        + "</p><p>Request id: <code>" + escaper.escape(requestId) + "</code></p></body></html>\n";
  }

  private static String json(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
