package io.cgiguard.http;

/**
 * A listener that can be drained for a graceful stop: it stops taking connections, the requests
 * already running finish, then it closes. The HTTP connector drains through Jetty's own graceful
 * stop; the FastCGI listener implements this.
 */
public interface Drainable extends AutoCloseable {

  /** Stops accepting connections; requests already running go on. Idempotent. */
  void stopAccepting();

  /** @return how many requests are running on this listener now */
  int inFlight();

  /** Closes every connection, running or not, and the listening socket. */
  @Override
  void close();
}
