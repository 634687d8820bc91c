package io.cgiguard.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.x connection to a gateway on loopback, written and read as raw bytes: for what a
 * client library would normalise or never do (a body sent in parts, a chunked upload of its own
 * framing, a read that stops at a marker, a client that leaves mid-response). Everything the
 * server sent is kept, and when the connection closes its first response goes through
 * {@link JettyPageScan} like every response a {@link TestGateway} client receives.
 */
public final class RawConnection implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final byte[] buffer = new byte[8192];
  private String firstRequest;
  private boolean closed;

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /**
   * @param readTimeout how long one read may wait; a silent server fails the read with {@link
   *     SocketTimeoutException} after it (unless read with {@link #readWhatComes})
   */
  public static RawConnection open(int port, Duration readTimeout) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    try {
      socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      return new RawConnection(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Writes {@code text} as ISO-8859-1 and flushes it. */
  public RawConnection send(String text) throws IOException {
    if (firstRequest == null) {
      firstRequest = text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return send(bytes, 0, bytes.length);
  }

  /** Ends the sending side, as a client that has sent all it will: the server reads EOF. */
  public RawConnection shutdownOutput() throws IOException {
    socket.shutdownOutput();
    return this;
  }

  /** Writes {@code length} bytes of {@code bytes} from {@code offset} and flushes them. */
  public RawConnection send(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    out.flush();
    return this;
  }

  /** The connection's output, for a writer of its own (a body sent from another thread). */
  public OutputStream output() {
    return out;
  }

  /** @return what the server sent so far, as ISO-8859-1 text */
  public String received() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads until {@code marker} has arrived or the server closed, whichever comes first.
   *
   * @return everything received on this connection so far
   */
  public String readUntil(String marker) throws IOException {
    while (!received().contains(marker)) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      received.write(buffer, 0, n);
    }
    return received();
  }

  /** Reads until the server closes; @return everything received on this connection */
  public String readToClose() throws IOException {
    in.transferTo(received);
    return received();
  }

  /**
   * Reads until the server closes or stays silent for the read timeout, for a test that judges
   * whatever arrived by then.
   *
   * @return everything received on this connection
   */
  public String readWhatComes() throws IOException {
    try {
      readToClose();
    } catch (SocketTimeoutException e) {
      // What arrived until the timeout is the answer.
    }
    return received();
  }

  /** Closes the connection (a client leaving, when the response is not read to its end). */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      socket.close();
    } finally {
      JettyPageScan.recordRaw("raw", firstRequest == null ? "" : firstRequest, received());
    }
  }
}
