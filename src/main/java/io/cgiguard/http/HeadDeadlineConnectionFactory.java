package io.cgiguard.http;

import java.time.Duration;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * The HTTP/1.1 connection factory with {@code [server] header-read-timeout}: every connection it
 * makes must deliver each request head (RFC 9112 §2.1, request line and fields) within the
 * timeout, so that slowloris clients that trickle a head byte by byte cannot hold connections.
 *
 * <p>Jetty 12 has no such setting: its idle timeout restarts on every byte, and its minimum
 * request data rate applies to the body only. Hence the connection subclass, which arms a timer
 * when a head begins and cancels it once the parser reports the head complete.
 */
final class HeadDeadlineConnectionFactory extends HttpConnectionFactory {

  private final Duration headReadTimeout;

  HeadDeadlineConnectionFactory(HttpConfiguration http, Duration headReadTimeout) {
    super(http);
    if (headReadTimeout.isNegative() || headReadTimeout.isZero()) {
      throw new IllegalArgumentException("header-read-timeout must be positive");
    }
    this.headReadTimeout = headReadTimeout;
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    HeadDeadlineConnection connection = new HeadDeadlineConnection(getHttpConfiguration(),
        connector, endPoint, headReadTimeout);
    connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
    connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
    return configure(connection, connector, endPoint);
  }
}
