package io.cgiguard.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A Jetty 12 core server on port 0 that answers each path with a canned response: the stub for
 * the failure pages of other servers, chunked bodies and {@code Connection: close}.
 */
final class CannedServer implements AutoCloseable {

  /** One canned response; a chunked one is written in two parts without a Content-Length. */
  record Canned(int status, Map<String, String> headers, String body, boolean chunked) {
    static Canned of(int status, String body) {
      return new Canned(status, Map.of(), body, false);
    }
  }

  private final Server server;

  CannedServer(Map<String, Canned> byPath) throws Exception {
    TrivialEndpoint.quietJetty();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Canned canned = byPath.get(Request.getPathInContext(request));
        if (canned == null) {
          canned = Canned.of(404, "no canned response here");
        }
        respond(canned, response, callback);
        return true;
      }
    });
    server.start();
  }

  private static void respond(Canned canned, Response response, Callback callback) {
    response.setStatus(canned.status());
    canned.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    byte[] body = canned.body().getBytes(StandardCharsets.UTF_8);
    if (!canned.chunked()) {
      response.getHeaders().put("Content-Length", body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
      return;
    }
    int half = body.length / 2;
    response.write(false, ByteBuffer.wrap(body, 0, half), Callback.from(
        () -> response.write(true, ByteBuffer.wrap(body, half, body.length - half), callback),
        callback::failed));
  }

  String url(String path) {
    int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    return "http://127.0.0.1:" + port + path;
  }

  @Override
  public void close() throws IOException {
    try {
      server.stop();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) { // Jetty's stop() declares Exception
      throw new IOException("the canned server did not stop", e);
    }
  }
}
