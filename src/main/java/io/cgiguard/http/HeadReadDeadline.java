package io.cgiguard.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * The {@code [server] header-read-timeout}: a connection whose request head has started but is
 * not complete within the timeout is closed (the slowloris defence).
 *
 * <p>Jetty 12 has an idle timeout only, which a client defeats by sending one byte before each
 * expiry. This listener samples every open HTTP/1 connection's parser a few times per timeout;
 * a head still being read, for the same request, longer than the timeout ends the connection.
 * A connection that sends nothing at all is the idle timeout's business.
 */
final class HeadReadDeadline extends AbstractLifeCycle implements Connection.Listener {

  /** When the head of the {@code request}-th message on a connection was first seen unread. */
  private record Started(long request, long nanos) {}

  private final long timeoutNanos;
  private final long sweepMillis;
  private final Map<HttpConnection, Started> reading = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Boolean> open = new ConcurrentHashMap<>();
  private ScheduledExecutorService sweeper;

  HeadReadDeadline(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    this.sweepMillis = Math.max(50, timeout.toMillis() / 4);
  }

  @Override
  protected void doStart() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "cgiguard-head-deadline");
      thread.setDaemon(true);
      return thread;
    });
    executor.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    sweeper = executor;
  }

  @Override
  protected void doStop() {
    sweeper.shutdownNow();
    open.clear();
    reading.clear();
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.put(http, Boolean.TRUE);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    open.remove(connection);
    reading.remove(connection);
  }

  void sweep() {
    long now = System.nanoTime();
    for (HttpConnection connection : open.keySet()) {
      HttpParser parser = connection.getParser();
      // START means nothing of the next head has arrived yet: idle, not slow.
      boolean inHead = parser.inHeaderState() && !parser.isState(HttpParser.State.START);
      if (!inHead) {
        reading.remove(connection);
        continue;
      }
      long request = connection.getMessagesIn();
      Started started = reading.compute(connection, (key, previous) ->
          previous != null && previous.request() == request ? previous
              : new Started(request, now));
      if (now - started.nanos() >= timeoutNanos) {
        reading.remove(connection);
        connection.getEndPoint().close();
      }
    }
  }
}
