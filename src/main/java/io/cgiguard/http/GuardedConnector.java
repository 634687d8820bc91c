package io.cgiguard.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener that keeps working when the gateway has no file descriptor left.
 *
 * <p>When {@code accept(2)} fails with {@code EMFILE} or {@code ENFILE}, the connection stays in
 * the listen queue, and Jetty would log a stack trace and pause a second per try. A plain HTTP
 * listener ({@code answers}) instead keeps one descriptor in reserve (an open {@code /dev/null}):
 * it gives it up, accepts the waiting connection with it, answers {@code 503} with {@code
 * Retry-After} and a sentence saying why, at once instead of leaving the client to its own
 * timeout, closes the connection and takes the reserve back. A TLS or FastCGI listener cannot
 * answer without a handshake or a request, so its connections wait in the queue until a
 * descriptor is free; for both, {@link AcceptShortage} logs one line per episode.
 */
final class GuardedConnector extends ServerConnector {

  /** How long an answered connection is given to close its side, so that no reset loses it. */
  static final Duration LINGER = Duration.ofMillis(250);
  private static final Path RESERVE = Path.of("/dev/null");

  private static final Logger LOG = LoggerFactory.getLogger(GuardedConnector.class);

  private final boolean answers;
  private final AcceptShortage shortage;
  private FileChannel reserve;

  /**
   * @param answers whether connections that cannot be accepted are answered 503 in plain
   *     HTTP/1.1: for a listener that speaks HTTP without TLS only
   */
  GuardedConnector(Server server, boolean answers, ConnectionFactory... factories) {
    super(server, factories);
    this.answers = answers;
    this.shortage = new AcceptShortage(this::describe);
  }

  @Override
  protected void doStart() throws Exception {
    DescriptorShortage.loadAhead();
    if (answers) {
      Optional<FileChannel> opened = openReserve();
      synchronized (this) {
        reserve = opened.orElse(null);
      }
      if (opened.isEmpty()) {
        LOG.warn("{}: cannot open {} to keep a descriptor in reserve; if descriptors run out, "
            + "new connections wait in the listen queue instead of being answered 503", describe(),
            RESERVE);
      }
    }
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    try {
      super.doStop();
    } finally {
      synchronized (this) {
        closeReserve();
      }
    }
  }

  @Override
  public void accept(int acceptorId) throws IOException {
    super.accept(acceptorId);
    shortage.accepted();
  }

  /**
   * A shortage of descriptors is counted; the connection waiting, if any, is answered 503 from
   * the reserve, and when none could be, the acceptor pauses briefly.
   */
  @Override
  protected boolean handleAcceptFailure(Throwable failure) {
    Optional<String> errno = isRunning() ? DescriptorShortage.errno(failure) : Optional.empty();
    if (errno.isEmpty()) {
      return super.handleAcceptFailure(failure);
    }
    shortage.failed(errno.get());
    if (answers && answerWaiting()) {
      return true;
    }
    // No connection waits, or none could be answered: pause before the next try.
    return shortage.pause();
  }

  /**
   * Answers the connection at the head of the queue with the reserve descriptor. accept(2) takes
   * the descriptor before it looks at the queue, so it fails for lack of one whether or not a
   * connection waits: the queue is looked at without blocking, and an empty one costs nothing.
   *
   * @return whether a connection was answered
   */
  private synchronized boolean answerWaiting() {
    if (!(getTransport() instanceof ServerSocketChannel listening)) {
      return false;
    }
    if (reserve == null) {
      reserve = openReserve().orElse(null);
      if (reserve == null) {
        return false;
      }
    }
    closeReserve();
    SocketChannel connection = null;
    try {
      listening.configureBlocking(false);
      try {
        connection = listening.accept();
      } finally {
        listening.configureBlocking(true);
      }
      if (connection == null) {
        return false;
      }
      answer(connection);
      shortage.answered();
      return true;
    } catch (IOException e) {
      // Another thread took the descriptor first, or the client left: the queue keeps the rest.
      return connection != null;
    } finally {
      if (connection != null) {
        try {
          connection.close();
        } catch (IOException e) {
          // Closing gives the descriptor back whatever close reports.
        }
      }
      reserve = openReserve().orElse(null);
    }
  }

  /**
   * Writes the 503, then reads until the client closes (or {@link #LINGER} passes): a connection
   * closed with its request unread would be reset, and a reset can discard the answer before the
   * client reads it.
   */
  private static void answer(SocketChannel connection) throws IOException {
    connection.configureBlocking(true);
    // Nothing of the request is read, so nothing says whether the client may see the limit's
    // figure: the answer names what happened, the log the figure.
    String body = "503 Service Unavailable: the gateway has no file descriptor left for a new "
        + "connection. Try again in a moment.\n";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 503 Service Unavailable\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + bytes.length + "\r\n"
        + "Retry-After: 1\r\n"
        + "Cache-Control: no-store\r\n"
        + "Connection: close\r\n\r\n";
    ByteBuffer out = ByteBuffer.allocate(head.length() + bytes.length);
    out.put(head.getBytes(StandardCharsets.US_ASCII)).put(bytes).flip();
    connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
    while (out.hasRemaining()) {
      connection.write(out);
    }
    connection.shutdownOutput();
    connection.socket().setSoTimeout((int) LINGER.toMillis());
    long deadline = System.nanoTime() + LINGER.toNanos();
    byte[] sink = new byte[4096];
    InputStream in = connection.socket().getInputStream();
    try {
      while (System.nanoTime() < deadline && in.read(sink) >= 0) {
        // The request is not read as one: whatever it was, the answer is the same.
      }
    } catch (java.net.SocketTimeoutException e) {
      // The client kept its side open: close anyway.
    }
  }

  private static Optional<FileChannel> openReserve() {
    try {
      return Optional.of(FileChannel.open(RESERVE, StandardOpenOption.READ));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void closeReserve() {
    if (reserve == null) {
      return;
    }
    try {
      reserve.close();
    } catch (IOException e) {
      // Closing /dev/null gives the descriptor back whatever close reports.
    }
    reserve = null;
  }

  private String describe() {
    String protocol = getName() != null ? getName() : getDefaultProtocol();
    int port = getLocalPort() > 0 ? getLocalPort() : getPort();
    return protocol + " " + (getHost() == null ? "*" : getHost()) + ":" + port;
  }
}
