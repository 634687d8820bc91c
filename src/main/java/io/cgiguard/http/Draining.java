package io.cgiguard.http;

import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.Launcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a stop that loses no request, after {@code /-/health} has turned 503: wait
 * {@code drain-delay} with the listener open (a load balancer needs a few health checks to take
 * the instance out), close the listening sockets, give the requests that
 * are running {@code drain-timeout} to finish, then kill the process groups of the scripts still
 * running so that their requests end with a page and nothing outlives the gateway.
 */
final class Draining {

  private static final Logger LOG = LoggerFactory.getLogger(Draining.class);
  /** After the kill, how long the requests get to write their pages, beyond the kill grace. */
  private static final Duration AFTER_KILL = Duration.ofSeconds(5);
  /** How often the drain looks at the requests running and the HTTP/2 connections idle. */
  private static final Duration ROUND = Duration.ofMillis(20);

  private final Server server;
  private final GracefulRequests requests;
  private final Launcher launcher;
  private final List<? extends Drainable> listeners;

  /**
   * @param listeners the listeners that are not Jetty network connectors (the FastCGI one on a
   *     Unix socket): they stop accepting when the network connectors close
   */
  Draining(Server server, GracefulRequests requests, Launcher launcher,
      List<? extends Drainable> listeners) {
    this.server = server;
    this.requests = requests;
    this.launcher = launcher;
    this.listeners = List.copyOf(listeners);
  }

  void run(GatewayConfig.Drain drain, Duration killGrace) {
    LOG.info("draining: /-/health answers 503; the listener closes in {} ms",
        drain.delay().toMillis());
    if (!await(drain.delay(), () -> false) && Thread.currentThread().isInterrupted()) {
      LOG.warn("draining: interrupted during drain-delay; closing the listener now");
    }
    // Only the listening sockets close: Jetty's connector shutdown would also fail the requests
    // still in flight on their connections, which must be let finish. Open connections close
    // when the server stops, after the drain.
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof NetworkConnector listener) {
        try {
          listener.close();
        } catch (RuntimeException e) {
          LOG.warn("draining: closing the listener {} failed", listener, e);
        }
      }
    }
    for (Drainable listener : listeners) {
      try {
        listener.stopAccepting();
      } catch (RuntimeException e) {
        LOG.warn("draining: closing the listener {} failed", listener, e);
      }
    }
    long closed = System.nanoTime();
    // Counted from here, by polling: the wait covers requests that start later too.
    var unused = requests.shutdown();
    LOG.info("draining: listener closed; {} request(s) running get up to {} ms to finish",
        requests.getCurrentRequestCount(), drain.timeout().toMillis());
    // Requests read after the close, on connections opened before it, still run (see
    // GracefulRequests): once the count first falls to zero, none may start any more, and the
    // drain waits for any that started in the meantime.
    BooleanSupplier idle = () -> requests.getCurrentRequestCount() == 0;
    boolean drained = await(drain.timeout(), idle);
    requests.stopStarting();
    if (drained && await(drain.timeout().minusNanos(System.nanoTime() - closed), idle)) {
      LOG.info("drained: every request finished");
      return;
    }
    LOG.warn("draining: drain-timeout passed with {} request(s) running; killing the process "
        + "groups of their scripts", requests.getCurrentRequestCount());
    launcher.close();
    if (!await(killGrace.plus(AFTER_KILL), idle)) {
      LOG.warn("draining: {} request(s) still had not ended; their connections are closed",
          requests.getCurrentRequestCount());
    }
  }

  /**
   * Waits up to {@code limit} for {@code done}, and meanwhile tells every HTTP/2 client whose
   * connection is idle to open its next stream elsewhere, as {@code Connection: close} tells an
   * HTTP/1.1 one: a graceful GOAWAY, after which the connection closes. Without it an HTTP/2
   * client could go on starting streams on its connection for the whole drain. Only idle
   * connections are told: Java 17's HTTP client fails every stream still open on a connection
   * when a GOAWAY arrives, even those the GOAWAY lets finish, so a busy connection is told once
   * its streams have ended, at a later round.
   *
   * @return whether {@code done} became true (false on timeout or interruption)
   */
  private boolean await(Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      goAwayIdle();
      if (done.getAsBoolean()) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, ROUND.toNanos()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private void goAwayIdle() {
    for (Connector connector : server.getConnectors()) {
      for (EndPoint endPoint : connector.getConnectedEndPoints()) {
        Connection connection = endPoint.getConnection();
        while (connection instanceof SslConnection tls) {
          connection = tls.getSslEndPoint().getConnection();
        }
        if (connection instanceof HTTP2Connection http2) {
          HTTP2Session session = http2.getSession();
          if (!session.isClosed() && session.getStreams().isEmpty()) {
            // The connection closes by itself once the GOAWAY is out; nothing to wait for.
            var unused = session.shutdown();
          }
        }
      }
    }
  }
}
