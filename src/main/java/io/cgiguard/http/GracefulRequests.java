package io.cgiguard.http;

import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the requests running, so that a drain knows when they have finished, and serves the
 * ones that arrive after the listener has closed, on connections opened before it.
 *
 * <p>Jetty's {@link GracefulHandler} answers {@code 503} to every request it sees once its
 * shutdown has begun. Closing the listener does not close the connections already open, though:
 * a front server's connection accepted just before the close still carries its request (nginx
 * writes its FastCGI records as soon as it connects, which may be a moment after the accept), and
 * a keep-alive client may send one more request on a connection it holds. Those requests were
 * sent to this gateway before it stopped taking work; answering them {@code 503} loses them, when
 * a front server of several upstreams would have sent them elsewhere had the connection been
 * refused. So until the drain has {@linkplain #stopStarting() finished}, such a request runs as
 * any other, and the drain waits for it as for the requests that were running when it began. They
 * are few: an HTTP/1.1 answer closes its connection, a FastCGI one too while draining, and an
 * HTTP/2 connection is sent a GOAWAY as soon as it is idle ({@link Draining}).
 *
 * <p>Once the drain has finished, the gateway is about to stop and close every connection. A
 * request that arrives in that moment is not started: on a FastCGI connection the connection is
 * closed without an answer, which nginx takes as an upstream error and retries on its next server
 * (as it does a refused connect); over HTTP the client gets a complete {@code 503} with the
 * gateway's page, never an empty reply.
 */
final class GracefulRequests extends GracefulHandler {

  private static final Logger LOG = LoggerFactory.getLogger(GracefulRequests.class);
  /** Set once the drain has finished: requests from now on are refused, not run. */
  private volatile boolean finished;

  GracefulRequests(Handler handler) {
    super(handler);
  }

  @Override
  protected void handleShutdownRejection(Request request, Response response, Callback callback) {
    if (!finished) {
      LOG.debug("draining: serving {}, read on a connection opened before the listener closed",
          request.getHttpURI());
      serve(request, response, callback);
      return;
    }
    if (request.getConnectionMetaData().getConnection() instanceof FastCgiConnection front) {
      LOG.debug("draining is over: closing the FastCGI connection of {} unanswered, for the front "
          + "server to retry elsewhere", request.getHttpURI());
      front.close();
      callback.failed(new EofException("the gateway stopped before the request started"));
      return;
    }
    super.handleShutdownRejection(request, response, callback);
  }

  /** Runs the request through the wrapped handler, as {@link GracefulHandler} does before a stop. */
  private void serve(Request request, Response response, Callback callback) {
    try {
      if (!getHandler().handle(request, response, callback)) {
        Response.writeError(request, response, callback, 404);
      }
    } catch (Throwable failure) {
      Response.writeError(request, response, callback, failure);
    }
  }

  /**
   * Ends the drain: from now on no request starts. Those that started before (among them any that
   * arrived after the shutdown began) go on; {@link #getCurrentRequestCount()} counts them.
   */
  void stopStarting() {
    finished = true;
  }
}
