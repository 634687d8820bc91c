package io.cgiguard.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What a gateway without a document root serves instead of static files: one page at {@code /},
 * built into the jar, that says the gateway runs. Every other path is declined (404).
 */
final class LandingPage extends Handler.Abstract {

  private final byte[] page;

  LandingPage() {
    super(InvocationType.NON_BLOCKING);
    try (InputStream in = LandingPage.class.getResourceAsStream("landing.html")) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks io/cgiguard/http/landing.html");
      }
      page = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    boolean head = HttpMethod.HEAD.is(request.getMethod());
    if (!"/".equals(path) || !(head || HttpMethod.GET.is(request.getMethod()))) {
      return false;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, page.length);
    response.write(true, head ? null : ByteBuffer.wrap(page), callback);
    return true;
  }
}
