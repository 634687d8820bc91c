package io.cgiguard.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A Jetty 12 core handler that answers every request with a short 200 text: the endpoint the
 * load tests and the wrk comparison drive, so that the server costs as little as possible.
 * Run alone with {@code main(port)}.
 */
public final class TrivialEndpoint {

  static final String BODY = "hello from a trivial endpoint\n";
  private static final byte[] BODY_BYTES = BODY.getBytes(StandardCharsets.US_ASCII);

  private TrivialEndpoint() {}

  /** Starts a server on {@code port} (0 for any) and returns it started. */
  public static Server start(int port) throws Exception {
    quietJetty();
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY_BYTES.length);
        response.write(true, ByteBuffer.wrap(BODY_BYTES), callback);
        return true;
      }
    });
    server.start();
    return server;
  }

  /** Jetty logs at DEBUG without a logback configuration, which would make it the bottleneck. */
  static void quietJetty() {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.eclipse.jetty"))
        .setLevel(ch.qos.logback.classic.Level.INFO);
  }

  /** @return the port {@code server} listens on */
  public static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  public static void main(String[] args) throws Exception {
    Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
    System.out.println("listening on http://127.0.0.1:" + port(server) + "/");
    server.join();
  }
}
