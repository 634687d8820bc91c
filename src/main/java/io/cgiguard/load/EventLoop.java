package io.cgiguard.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * One thread driving many keep-alive connections through a selector, as wrk does: with a thread
 * per core instead of a thread per connection, a response is handled as soon as it arrives
 * rather than after its thread has waited for a CPU, which on a small machine is most of the
 * latency at high connection counts.
 */
final class EventLoop implements Runnable {

  /** What the loop asks of the run it belongs to. */
  interface Run {
    /** @return false when no more requests may start at {@code sendAt} */
    boolean mayStart(long sendAt);

    /** Records a finished request. */
    void record(WorkerTally tally, Reply reply, long sentAt, long doneAt);

    /** @return whether a request due at {@code sendAt} would be past the end of the run */
    boolean over(long sendAt);

    /** Records a first attempt that ended without a byte and is being sent again. */
    void reconnected(WorkerTally tally, String firstAttempt, long sentAt);
  }

  /**
   * How long a keep-alive connection must have sat idle before a close without a byte counts as
   * the server's idle timeout rather than as its failure: no common server closes idle
   * connections sooner (nginx 75 s, Jetty 30 s, Apache and lighttpd 5 s, HAProxy's usual 1 s and
   * up). Below it the close is the server's answer and is counted as an {@code empty-reply}.
   */
  static final long IDLE_EXPLAINS_CLOSE_NANOS = 1_000_000_000L;
  /** The longest the loop goes without looking at every connection, for timeouts. */
  private static final long MAX_SCAN_INTERVAL_NANOS = 100_000_000L;

  private final Run run;
  private final List<LoopConnection> connections;
  private final InetSocketAddress address;
  private final byte[] request;
  private final boolean isHead;
  private final long timeoutNanos;
  private final long periodNanos;
  private final WorkerTally tally;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  /** When the loop next scans every connection; see {@link #due}. */
  private long wakeAt = System.nanoTime();

  EventLoop(Run run, List<LoopConnection> connections, InetSocketAddress address, byte[] request,
      boolean isHead, long timeoutNanos, long periodNanos, WorkerTally tally) {
    this.run = run;
    this.connections = connections;
    this.address = address;
    this.request = request;
    this.isHead = isHead;
    this.timeoutNanos = timeoutNanos;
    this.periodNanos = periodNanos;
    this.tally = tally;
  }

  @Override
  public void run() {
    try (Selector selector = Selector.open()) {
      int active = connections.size();
      while (active > 0 && !Thread.currentThread().isInterrupted()) {
        long now = System.nanoTime();
        // The scan of every connection runs only when one of them has something due; between
        // scans, a response costs its own work and nothing per connection.
        if (now - wakeAt >= 0) {
          wakeAt = now + MAX_SCAN_INTERVAL_NANOS;
          active = 0;
          for (LoopConnection connection : connections) {
            service(connection, selector, now);
            if (!connection.finished) {
              active++;
              due(connection.inFlight ? connection.deadline : connection.nextSendAt);
            }
          }
          if (active == 0) {
            break;
          }
        }
        long waitNanos = wakeAt - System.nanoTime();
        int ready = waitNanos <= 0 ? selector.selectNow()
            : selector.select(Math.max(1, (waitNanos + 999_999) / 1_000_000));
        if (ready > 0) {
          for (SelectionKey key : selector.selectedKeys()) {
            onReady((LoopConnection) key.attachment(), key, selector);
          }
          selector.selectedKeys().clear();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("selector failed", e);
    } finally {
      connections.forEach(LoopConnection::close);
    }
  }

  /** Makes the loop scan again no later than {@code at}. */
  private void due(long at) {
    if (at - wakeAt < 0) {
      wakeAt = at;
    }
  }

  /** Starts a due request or expires an overdue one. */
  private void service(LoopConnection connection, Selector selector, long now) {
    if (connection.finished) {
      return;
    }
    if (connection.inFlight) {
      if (now >= connection.deadline) {
        finish(connection, connection.connecting
            ? new Reply.ConnectFailed("connect timed out") : new Reply.TimedOut(), now, true);
      }
      return;
    }
    if (now < connection.nextSendAt) {
      // At a low rate over many connections a connection's next turn can lie past the end;
      // waiting for it would only stretch the run's elapsed time.
      if (periodNanos > 0 && run.over(connection.nextSendAt)) {
        connection.finished = true;
      }
      return;
    }
    long sendAt = periodNanos > 0 ? connection.nextSendAt : now;
    if (!run.mayStart(sendAt)) {
      connection.finished = true;
      return;
    }
    connection.sentAt = sendAt;
    connection.deadline = now + timeoutNanos;
    connection.retried = false;
    connection.idleNanos = connection.channel == null ? 0 : now - connection.idleSince;
    send(connection, selector);
  }

  private void send(LoopConnection connection, Selector selector) {
    connection.inFlight = true;
    connection.parser.begin(isHead);
    connection.pending = ByteBuffer.wrap(request);
    try {
      if (connection.channel == null) {
        connection.reused = false;
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        connection.channel = channel;
        connection.connecting = !channel.connect(address);
        connection.key = channel.register(selector,
            connection.connecting ? SelectionKey.OP_CONNECT : 0, connection);
        if (connection.connecting) {
          return;
        }
      } else {
        connection.reused = true;
      }
      write(connection);
    } catch (IOException e) {
      if (connection.reused) {
        ended(connection, selector, true);
      } else {
        finish(connection, new Reply.ConnectFailed(e.toString()), System.nanoTime(), true);
      }
    }
  }

  private void write(LoopConnection connection) throws IOException {
    connection.channel.write(connection.pending);
    connection.key.interestOps(connection.pending.hasRemaining()
        ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  private void onReady(LoopConnection connection, SelectionKey key, Selector selector) {
    if (!key.isValid() || !connection.inFlight) {
      return;
    }
    try {
      if (key.isConnectable()) {
        if (!connection.channel.finishConnect()) {
          return;
        }
        connection.connecting = false;
        write(connection);
      } else if (key.isWritable()) {
        write(connection);
      } else if (key.isReadable()) {
        read(connection, selector);
      }
    } catch (MalformedResponseException e) {
      finish(connection, new Reply.Malformed(e.getMessage()), System.nanoTime(), true);
    } catch (IOException e) {
      if (connection.connecting) {
        finish(connection, new Reply.ConnectFailed(e.toString()), System.nanoTime(), true);
      } else {
        ended(connection, selector, true);
      }
    }
  }

  private void read(LoopConnection connection, Selector selector) throws IOException {
    readBuffer.clear();
    int read = connection.channel.read(readBuffer);
    if (read < 0) {
      ended(connection, selector, false);
      return;
    }
    readBuffer.flip();
    if (connection.parser.feed(readBuffer)) {
      ResponseParser parser = connection.parser;
      Reply reply = new Reply.Answered(parser.status, parser.headers, parser.retainedBody(), true);
      finish(connection, reply, System.nanoTime(), !parser.keepAlive());
    }
  }

  /** The server closed (or reset) the connection while a response was awaited. */
  private void ended(LoopConnection connection, Selector selector, boolean reset) {
    ResponseParser parser = connection.parser;
    long now = System.nanoTime();
    if (parser.endOfInput()) {
      finish(connection, new Reply.Answered(parser.status, parser.headers, parser.retainedBody(),
          true), now, true);
    } else if (parser.bytesReceived > 0) {
      finish(connection, new Reply.Answered(parser.status, parser.headers, parser.retainedBody(),
          false), now, true);
    } else if (connection.reused && !connection.retried && now < connection.deadline
        && connection.idleNanos >= IDLE_EXPLAINS_CLOSE_NANOS) {
      // A server may close an idle keep-alive connection just as we reuse it; that request
      // never reached it, so it is sent once more on a fresh connection, as browsers do, and
      // counted, so that a server which drops requests cannot hide behind the retry.
      run.reconnected(tally, reset ? "reset-without-a-byte" : "closed-without-a-byte",
          connection.sentAt);
      connection.close();
      connection.retried = true;
      send(connection, selector);
    } else {
      finish(connection, new Reply.Empty(), now, true);
    }
  }

  private void finish(LoopConnection connection, Reply reply, long doneAt, boolean close) {
    run.record(tally, reply, connection.sentAt, doneAt);
    connection.inFlight = false;
    connection.connecting = false;
    connection.nextSendAt = periodNanos > 0 ? connection.nextSendAt + periodNanos : doneAt;
    if (close) {
      connection.close();
    } else if (periodNanos == 0 && connection.key != null) {
      // Closed loop on a kept connection: the next request goes out now, and the key keeps
      // its read interest, instead of two epoll updates and a scan of every connection.
      connection.idleSince = doneAt;
      service(connection, connection.key.selector(), doneAt);
      if (connection.finished) {
        connection.key.interestOps(0);
        due(doneAt);
      } else if (connection.inFlight) {
        due(connection.deadline);
      }
      return;
    } else {
      connection.key.interestOps(0);
      connection.idleSince = doneAt;
    }
    due(connection.nextSendAt);
  }

  /** The state of one connection of an {@link EventLoop}. */
  static final class LoopConnection {
    final ResponseParser parser;
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer pending;
    long nextSendAt;
    long sentAt;
    long deadline;
    long idleSince;
    long idleNanos;
    boolean inFlight;
    boolean connecting;
    boolean reused;
    boolean retried;
    boolean finished;

    LoopConnection(long firstSendAt, int retainBodyBytes) {
      this.nextSendAt = firstSendAt;
      this.parser = new ResponseParser(retainBodyBytes);
    }

    void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // Done with it either way.
        }
        channel = null;
        key = null;
      }
    }
  }
}
