package io.cgiguard.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * One keep-alive HTTP/1.1 connection of the load generator, on a plain blocking socket: one
 * thread drives it, writes a pre-encoded request and parses the response from bytes. It connects
 * lazily, reconnects after the server closes, and gives up on a request at its deadline, which
 * a {@link DeadlineReaper} enforces by closing the socket under a blocked read.
 *
 * <p>Every outcome is a {@link Reply}; only a bug throws.
 */
public final class Http1Connection implements AutoCloseable {

  private final InetSocketAddress address;
  private final int connectTimeoutMillis;
  private final ResponseReader reader;
  private volatile Socket socket;
  private OutputStream out;
  private long connects;
  // Guarded by this: the reaper may close the socket only while an exchange is under way.
  private long deadlineNanos = Long.MAX_VALUE;
  private boolean expired;

  /**
   * @param retainBodyBytes how many bytes of each body to keep for classification
   */
  public Http1Connection(InetSocketAddress address, Duration connectTimeout, int retainBodyBytes) {
    this.address = address;
    this.connectTimeoutMillis = (int) Math.max(1, connectTimeout.toMillis());
    this.reader = new ResponseReader(retainBodyBytes);
  }

  /**
   * Sends {@code request} and reads its response.
   *
   * @param request the complete request bytes, head and body
   * @param isHead whether the method is HEAD, whose response has no body
   * @param deadlineNanos when to give up, on the {@link System#nanoTime} clock
   */
  public Reply exchange(byte[] request, boolean isHead, long deadlineNanos) {
    boolean reused = socket != null;
    Reply reply = attempt(request, isHead, deadlineNanos);
    // A server may close an idle keep-alive connection just as we reuse it; that request never
    // reached it, so it is sent once more on a fresh connection, as browsers do.
    if (reused && reply instanceof Reply.Empty && System.nanoTime() < deadlineNanos) {
      reply = attempt(request, isHead, deadlineNanos);
    }
    return reply;
  }

  /** @return how many TCP connections this connection has opened so far */
  public long connects() {
    return connects;
  }

  private Reply attempt(byte[] request, boolean isHead, long deadlineNanos) {
    if (socket == null) {
      try {
        open();
      } catch (IOException e) {
        close();
        return new Reply.ConnectFailed(describe(e));
      }
    }
    reader.begin(deadlineNanos);
    arm(deadlineNanos);
    try {
      out.write(request);
      reader.readHead();
      boolean keepAlive = reader.readBody(isHead);
      Reply reply = answered(true);
      if (disarm() || !keepAlive) {
        close();
      }
      return reply;
    } catch (SocketTimeoutException e) {
      disarm();
      close();
      return new Reply.TimedOut();
    } catch (ResponseReader.MalformedResponseException e) {
      disarm();
      close();
      return new Reply.Malformed(e.getMessage());
    } catch (IOException e) {
      boolean timedOut = disarm();
      close();
      return timedOut ? new Reply.TimedOut() : broken();
    }
  }

  private synchronized void arm(long deadline) {
    deadlineNanos = deadline;
    expired = false;
  }

  /** Ends the exchange's deadline; @return whether the reaper closed the socket meanwhile. */
  private synchronized boolean disarm() {
    deadlineNanos = Long.MAX_VALUE;
    return expired;
  }

  /** Called by the {@link DeadlineReaper}: closes the socket if the exchange is past due. */
  synchronized void expireIfPast(long nowNanos) {
    if (nowNanos >= deadlineNanos && !expired) {
      expired = true;
      Socket current = socket;
      if (current != null) {
        try {
          current.close();
        } catch (IOException e) {
          // The read it interrupts reports the timeout; nothing more to do here.
        }
      }
    }
  }

  private void open() throws IOException {
    Socket fresh = new Socket();
    try {
      fresh.setTcpNoDelay(true);
      fresh.connect(address, connectTimeoutMillis);
      reader.attach(fresh);
      out = fresh.getOutputStream();
    } catch (IOException e) {
      fresh.close();
      throw e;
    }
    socket = fresh;
    connects++;
  }

  /** The connection ended (EOF or reset) before the response was complete. */
  private Reply broken() {
    if (reader.bytesReceived == 0) {
      return new Reply.Empty();
    }
    return answered(false);
  }

  private Reply answered(boolean complete) {
    return new Reply.Answered(reader.status, reader.headers, reader.retainedBody(), complete);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    String name = e instanceof EOFException ? "EOF" : e.getClass().getSimpleName();
    return message == null ? name : name + ": " + message;
  }

  @Override
  public void close() {
    Socket current = socket;
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        // Closing a socket we are done with; nothing useful can be done about a failure.
      }
      socket = null;
      out = null;
    }
  }
}
