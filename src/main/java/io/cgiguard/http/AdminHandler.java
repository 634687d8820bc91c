package io.cgiguard.http;

import io.cgiguard.observe.DashboardAssets;
import io.cgiguard.observe.DashboardJson;
import io.cgiguard.observe.DashboardPage;
import io.cgiguard.observe.DashboardSnapshot;
import io.cgiguard.observe.GatewayMetrics;
import io.cgiguard.observe.Health;
import io.cgiguard.observe.StatusJson;
import io.cgiguard.observe.StatusPage;
import io.cgiguard.observe.StatusSnapshot;
import io.cgiguard.render.DiagnosticPage;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin endpoints under {@code /-/}: the dashboard itself at {@code /-/} (with its
 * {@code dashboard.json}, {@code .js}, {@code .css} and {@code .svg} icon), {@code health},
 * {@code metrics} (Prometheus text format)
 * and {@code status} (HTML, or JSON for {@code Accept: application/json} or {@code status.json}),
 * and {@code POST /-/reload} ({@link ReloadEndpoint}).
 * They answer loopback clients only unless the configuration opens them, because status shows
 * script paths and stderr; and only under a host that names this machine
 * ({@link GatewayPages#localHost}), so that a web page cannot read them by re-pointing its own
 * name at 127.0.0.1.
 */
final class AdminHandler {

  static final String PREFIX = "/-/";

  private final boolean allowRemote;
  private final GatewayMetrics metrics;
  private final Supplier<StatusSnapshot> status;
  private final Supplier<Health> health;
  private final Supplier<Reload> reload;
  private final GatewayPages pages;
  private final Supplier<DashboardSnapshot> dashboard;

  AdminHandler(boolean allowRemote, GatewayMetrics metrics, Supplier<StatusSnapshot> status,
      Supplier<Health> health, Supplier<Reload> reload, GatewayPages pages,
      Supplier<DashboardSnapshot> dashboard) {
    this.allowRemote = allowRemote;
    this.metrics = metrics;
    this.status = status;
    this.health = health;
    this.reload = reload;
    this.pages = pages;
    this.dashboard = dashboard;
  }

  void handle(Request request, Response response, Callback callback, String requestId,
      String path) {
    if (!allowRemote && !pages.localAddress(request)) {
      pages.refuse(request, response, callback, requestId, 403,
          "the admin endpoints answer loopback clients only");
      return;
    }
    if (!allowRemote && !pages.localHost(request)) {
      pages.refuse(request, response, callback, requestId, 403,
          "the admin endpoints answer a local client under an IP address or localhost only; "
              + "a name of this machine is added to [server] local-host-names");
      return;
    }
    if (path.equals(ReloadEndpoint.PATH)) {
      ReloadEndpoint.handle(request, response, callback, requestId, reload, pages);
      return;
    }
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put("Allow", "GET, HEAD");
      pages.refuse(request, response, callback, requestId, 405, "the admin endpoints are read-only");
      return;
    }
    switch (path) {
      case "/-/health" -> {
        Health now = health.get();
        send(response, callback, requestId, now.httpStatus(), Health.CONTENT_TYPE, now.json());
      }
      case "/-/metrics" -> send(response, callback, requestId, 200, GatewayMetrics.CONTENT_TYPE,
          metrics.scrape());
      case "/-/status.json" -> send(response, callback, requestId, 200, StatusJson.CONTENT_TYPE,
          StatusJson.render(status.get()));
      case "/-/status" -> {
        DiagnosticPage.Format format = GatewayPages.format(request);
        StatusSnapshot snapshot = status.get();
        if (format == DiagnosticPage.Format.JSON) {
          send(response, callback, requestId, 200, StatusJson.CONTENT_TYPE,
              StatusJson.render(snapshot));
        } else {
          send(response, callback, requestId, 200, StatusPage.CONTENT_TYPE,
              StatusPage.render(snapshot));
        }
      }
      case "/-/" -> dashboard(response, callback, requestId, StatusPage.CONTENT_TYPE,
          DashboardPage.render(dashboard.get()).getBytes(StandardCharsets.UTF_8));
      case "/-/dashboard.json" -> dashboard(response, callback, requestId,
          DashboardJson.CONTENT_TYPE,
          DashboardJson.render(dashboard.get()).getBytes(StandardCharsets.UTF_8));
      case "/-/dashboard.js" -> dashboard(response, callback, requestId,
          DashboardAssets.SCRIPT_TYPE, DashboardAssets.script());
      case "/-/dashboard.css" -> dashboard(response, callback, requestId,
          DashboardAssets.STYLE_TYPE, DashboardAssets.style());
      case "/-/dashboard.svg" -> dashboard(response, callback, requestId,
          DashboardAssets.ICON_TYPE, DashboardAssets.icon());
      default -> pages.refuse(request, response, callback, requestId, 404,
          "no such admin endpoint; try /-/ (the dashboard), /-/health, /-/metrics or /-/status");
    }
  }

  private static void dashboard(Response response, Callback callback, String requestId,
      String contentType, byte[] body) {
    GatewayPages.send(response, callback, requestId, 200, contentType,
        DashboardPage.CONTENT_SECURITY_POLICY, body);
  }

  private static void send(Response response, Callback callback, String requestId, int status,
      String contentType, String body) {
    GatewayPages.send(response, callback, requestId, status, contentType,
        body.getBytes(StandardCharsets.UTF_8));
  }
}
