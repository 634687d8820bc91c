package io.cgiguard.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A raw TCP server for the misbehaviours Jetty will not produce: it reads each request head and
 * then does what {@link Behaviour} says (close without a byte, announce more body than it sends,
 * never answer, send garbage), once per request, keep-alive included.
 */
final class RawServer implements AutoCloseable {

  /** What to do once a request head has been read; return false to close the connection. */
  @FunctionalInterface
  interface Behaviour {
    boolean answer(OutputStream out, InputStream in) throws IOException;
  }

  private final ServerSocket listener;
  private final int idleTimeoutMillis;
  private final Thread acceptor;

  RawServer(Behaviour behaviour) throws IOException {
    this(behaviour, 0);
  }

  /**
   * A server that also closes a connection once it has sat idle for {@code idleTimeoutMillis}
   * between requests, as a real server's keep-alive timeout does; 0 for never.
   */
  RawServer(Behaviour behaviour, int idleTimeoutMillis) throws IOException {
    this.idleTimeoutMillis = idleTimeoutMillis;
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> accept(behaviour), "raw-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + listener.getLocalPort() + "/";
  }

  private void accept(Behaviour behaviour) {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        socket.setSoTimeout(idleTimeoutMillis);
        Thread connection = new Thread(() -> serve(socket, behaviour), "raw-connection");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void serve(Socket socket, Behaviour behaviour) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (readHead(in) && behaviour.answer(out, in)) {
        out.flush();
      }
    } catch (IOException e) {
      // The client went away; the next connection gets a fresh thread.
    }
  }

  /** Reads up to and including the blank line; false when the client closed first. */
  private static boolean readHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b = in.read(); b >= 0; b = in.read()) {
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == end.length) {
        return true;
      }
    }
    return false;
  }

  /** Waits for the client to close, however long it takes; the client's timeout ends it. */
  static boolean neverAnswer(OutputStream out, InputStream in) throws IOException {
    while (in.read() >= 0) {
      // Discard whatever the client sends until it gives up.
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
