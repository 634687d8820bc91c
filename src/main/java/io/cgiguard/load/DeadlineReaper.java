package io.cgiguard.load;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces request deadlines for connections that read without a socket timeout: every
 * {@link #RESOLUTION_MILLIS} it closes the socket of each connection whose exchange has passed
 * its deadline, which ends the blocked read. Timeouts are therefore exact to within that
 * resolution.
 */
final class DeadlineReaper implements AutoCloseable {

  static final long RESOLUTION_MILLIS = 10;

  private final List<Http1Connection> connections = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  DeadlineReaper() {
    thread = new Thread(this::loop, "load-deadlines");
    thread.setDaemon(true);
    thread.start();
  }

  void watch(Http1Connection connection) {
    connections.add(connection);
  }

  private void loop() {
    while (running) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RESOLUTION_MILLIS));
      long now = System.nanoTime();
      for (Http1Connection connection : connections) {
        connection.expireIfPast(now);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
  }
}
