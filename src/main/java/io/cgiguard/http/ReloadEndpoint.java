package io.cgiguard.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /-/reload}: re-reads the configuration and answers what happened as JSON (200
 * applied, 422 refused with every problem, 503 while stopping). Like every admin endpoint it
 * answers loopback clients only unless {@code [admin] allow-remote}; and since a web page in the
 * operator's own browser could post a form to a loopback address, a request that carries an
 * {@code Origin} header (every cross-site form or fetch does) is refused.
 */
final class ReloadEndpoint {

  static final String PATH = "/-/reload";

  private ReloadEndpoint() {}

  static void handle(Request request, Response response, Callback callback, String requestId,
      Supplier<Reload> reload, GatewayPages pages) {
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      pages.refuse(request, response, callback, requestId, 405,
          "a reload is asked for with POST");
      return;
    }
    if (request.getHeaders().contains(HttpHeader.ORIGIN)) {
      pages.refuse(request, response, callback, requestId, 403,
          "a reload is not taken from a web page (the request carries Origin)");
      return;
    }
    Reload outcome = reload.get();
    GatewayPages.send(response, callback, requestId, outcome.httpStatus(), Reload.CONTENT_TYPE,
        outcome.json().getBytes(StandardCharsets.UTF_8));
  }
}
