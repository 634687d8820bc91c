package io.cgiguard.http;

import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what Jetty itself rejects or fails (a request its parser refuses, an exception out of a
 * handler, a response it cannot send) with the gateway's own refusal page, its request id and its
 * security headers, and logs it once: no Jetty error page reaches a client.
 */
final class GatewayErrorHandler extends ErrorHandler {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayErrorHandler.class);

  private final Supplier<GatewayPages> pages;
  private final RequestIds ids = new RequestIds();

  /** @param pages the pages of the site in force, which a reload may replace */
  GatewayErrorHandler(Supplier<GatewayPages> pages) {
    this.pages = pages;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    String requestId = requestId(request);
    if (cause instanceof EofException clientGone) {
      // The client (or the front server) went away: no page can reach it, and it is nobody's
      // failure but the connection's; the request's own log line already said so.
      LOG.debug("request {}: not answered, the connection is gone: {}", requestId,
          clientGone.getMessage());
      callback.failed(clientGone);
      return;
    }
    log(requestId, code, message, cause);
    if (response.isCommitted()) {
      callback.failed(cause != null ? cause : new IllegalStateException(message));
      return;
    }
    // A 416 says how long the file is (RFC 9110 section 15.5.17): that survives the reset.
    String contentRange = code == HttpStatus.RANGE_NOT_SATISFIABLE_416
        ? response.getHeaders().get(HttpHeader.CONTENT_RANGE) : null;
    response.reset();
    if (contentRange != null) {
      response.getHeaders().put(HttpHeader.CONTENT_RANGE, contentRange);
    }
    pages.get().refuse(request, response, callback, requestId, code, reason(code, message));
  }

  /**
   * An answer without a body (a 304 for a static file) gets no Cache-Control of Jetty's: a cache
   * copies a 304's fields onto the response it stored (RFC 9111 section 4.3.4), so its
   * {@code no-store} would stick to the file. Every page with a body sets its own.
   */
  @Override
  protected void generateCacheControl(Response response) {
    if (!HttpStatus.hasNoBody(response.getStatus())) {
      super.generateCacheControl(response);
    }
  }

  /**
   * @return the id the gateway gave the request when it arrived, which its access log line
   *     names; a new one (then logged with it) for a request Jetty refused before that
   */
  private String requestId(Request request) {
    if (request.getAttribute(AccessLog.REQUEST_ID) instanceof String known) {
      return known;
    }
    String requestId = ids.next(null);
    request.setAttribute(AccessLog.REQUEST_ID, requestId);
    return requestId;
  }

  /** A request Jetty refused is the client's doing; anything else is the gateway's, with a trace. */
  private static void log(String requestId, int status, String message, Throwable cause) {
    if (cause == null || cause instanceof HttpException) {
      LOG.info("request {}: answered {} by the gateway's error page: {}", requestId, status,
          message);
    } else {
      LOG.warn("request {}: answered {} by the gateway's error page: {}", requestId, status,
          message, cause);
    }
  }

  /** Jetty's words for a client error; nothing about the gateway's insides for its own. */
  private static String reason(int status, String message) {
    if (status >= 500) {
      return "the gateway could not answer this request; the log has the details under the "
          + "request id";
    }
    return message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
  }
}
