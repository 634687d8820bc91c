package io.cgiguard.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 connection whose request heads must arrive within a deadline. The deadline is armed
 * when the connection opens and when the parser begins a new message, and cancelled when the head
 * is complete; a connection still inside a head when it fires is closed. Between requests of a
 * keep-alive connection only the idle timeout applies, as then the client holds nothing but a
 * socket.
 */
final class HeadDeadlineConnection extends HttpConnection {

  private static final Logger LOG = LoggerFactory.getLogger(HeadDeadlineConnection.class);

  private final Scheduler scheduler;
  private final long timeoutMillis;
  private final AtomicReference<Scheduler.Task> deadline = new AtomicReference<>();

  HeadDeadlineConnection(HttpConfiguration http, Connector connector, EndPoint endPoint,
      Duration timeout) {
    super(http, connector, endPoint);
    this.scheduler = connector.getScheduler();
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public void onOpen() {
    super.onOpen();
    arm();
  }

  @Override
  public void onClose(Throwable cause) {
    disarm();
    super.onClose(cause);
  }

  @Override
  protected RequestHandler newRequestHandler() {
    return new RequestHandler() {
      @Override
      public void messageBegin() {
        arm();
        super.messageBegin();
      }

      @Override
      public boolean headerComplete() {
        disarm();
        return super.headerComplete();
      }
    };
  }

  /** Arms the deadline unless one is already running: a head's clock starts only once. */
  private void arm() {
    if (deadline.get() != null) {
      return;
    }
    Scheduler.Task task = scheduler.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
    if (!deadline.compareAndSet(null, task)) {
      task.cancel();
    }
  }

  private void disarm() {
    Scheduler.Task task = deadline.getAndSet(null);
    if (task != null) {
      task.cancel();
    }
  }

  private void expire() {
    if (deadline.getAndSet(null) == null) {
      return;
    }
    // No response is attempted: the head is incomplete, so there is no request to answer, and
    // writing to a client that is deliberately slow would only hold the connection longer.
    LOG.info("closing connection from {}: request head not complete within {} ms",
        getEndPoint().getRemoteSocketAddress(), timeoutMillis);
    getEndPoint().close();
  }
}
