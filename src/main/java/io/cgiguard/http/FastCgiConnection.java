package io.cgiguard.http;

import com.google.common.net.InetAddresses;
import io.cgiguard.fastcgi.FastCgiRecord;
import io.cgiguard.fastcgi.ProtocolException;
import io.cgiguard.fastcgi.RecordWriter;
import io.cgiguard.fastcgi.ResponderSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.AbstractMetaDataConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from a front server: reads records through a {@link ResponderSession}, runs each
 * request as a {@link FastCgiStream} on Jetty's thread pool, and writes the answers one after
 * the other. While a request runs the connection keeps reading, so an ABORT_REQUEST or the front
 * server closing the connection reaches the request at once (and through it, the script).
 */
final class FastCgiConnection extends AbstractMetaDataConnection {

  private static final Logger LOG = LoggerFactory.getLogger(FastCgiConnection.class);
  /** The most read from the front server at once: two records of body, or many small ones. */
  private static final int INPUT_BYTES = 32 * 1024;
  /** A record type the specification does not define: the front server's parser refuses it. */
  private static final int NOT_A_TYPE = 0;

  private final ResponderSession session;
  private final HttpChannel.Factory channels = new HttpChannel.DefaultFactory();
  private final boolean namesScript;
  private final Shared shared;
  /**
   * The bytes read from the front server and not yet cut into records: taken from Jetty's buffer
   * pool for a read and given back as soon as the records have consumed them, so a connection
   * waiting for its next request (or a request running) holds none. nginx opens a connection per
   * request by default, and a buffer allocated with each one was the gateway's largest
   * allocation per request: at 64 connections the buffers of requests in flight overflowed the
   * shipped 3 MiB young generation into the old one, and the collector's CPU per request nearly
   * quadrupled. Null while nothing is held.
   */
  private RetainableByteBuffer input;
  /** A request whose params are complete, for onFillable to run once it stops reading. */
  private final AtomicReference<Runnable> pendingRequest = new AtomicReference<>();
  private final Output output = new Output();
  private final AtomicBoolean paused = new AtomicBoolean();
  /** Reading waits for the replies to management records to be written (Output.backlogged). */
  private final AtomicBoolean pausedOnReplies = new AtomicBoolean();
  private final String id = Integer.toHexString(System.identityHashCode(this));
  private final org.eclipse.jetty.util.Attributes attributes =
      new org.eclipse.jetty.util.Attributes.Lazy();
  private FastCgiStream stream;
  private boolean keepConnection;
  /** Whether the current request's empty STDIN record has arrived: the front sends no more. */
  private volatile boolean stdinEnded;
  /**
   * Whether a request has ended on this connection: only then is it a kept connection a front
   * server waits to reuse. One that has carried none yet was opened for a request on its way.
   */
  private volatile boolean carried;
  /** The current request's params and the addresses they name, made once per request. */
  private volatile Edge edge;
  /**
   * Whether a request runs: from its complete params to its end. Before that (BEGIN_REQUEST
   * alone, params half sent) nothing but the idle timeout would ever end the connection.
   */
  private volatile boolean running;

  /**
   * What the front server said about the client and itself, parsed once: Jetty asks for the
   * addresses several times per request (the request log, the CGI environment, the outcome log).
   */
  private record Edge(FastCgiParams params, SocketAddress remote, SocketAddress local) {

    static Edge of(FastCgiParams params) {
      return new Edge(params, address(params, "REMOTE_ADDR", "REMOTE_PORT"),
          address(params, "SERVER_ADDR", "SERVER_PORT"));
    }

    /** @return the address the params name, or null when they name none */
    private static SocketAddress address(FastCgiParams params, String host, String port) {
      Optional<String> literal = params.get(host);
      return literal.isEmpty() ? null : FastCgiConnection.address(literal.get(),
          params.port(port, 0));
    }
  }

  /**
   * What every connection of one listener shares.
   *
   * @param inFlight the requests running on the listener's connections
   * @param clients who may connect
   * @param closing set once the gateway drains: a kept connection closes after its answer
   */
  record Shared(AtomicInteger inFlight, FastCgiClients clients, AtomicBoolean closing) {}

  FastCgiConnection(Connector connector, HttpConfiguration configuration, EndPoint endPoint,
      int maxParamsBytes, int maxConnections, boolean namesScript, Shared shared) {
    super(connector, configuration, endPoint);
    this.shared = shared;
    this.session = new ResponderSession(maxParamsBytes, maxConnections);
    this.namesScript = namesScript;
  }

  @Override
  public void onOpen() {
    super.onOpen();
    if (!shared.clients().admit(getEndPoint().getRemoteSocketAddress())) {
      close();
      return;
    }
    fillInterested();
  }

  @Override
  public void onFillable() {
    try {
      read();
    } finally {
      // The request the params started runs on this thread, as Jetty runs an HTTP/1 request on
      // the thread that parsed it: handing it to another thread cost a wake-up and a context
      // switch on every request. It runs once reading has stopped: with fill interest set (so an
      // ABORT_REQUEST or the front server closing still reaches it from another thread), paused
      // on its body (which it then takes), or at the end of the connection. It is taken
      // atomically: once fill interest is set, another thread's onFillable may get here first
      // and run it instead; never both.
      Runnable request = pendingRequest.getAndSet(null);
      if (request != null) {
        request.run();
      }
    }
  }

  private void read() {
    try {
      while (true) {
        // Paused, the request has not taken the body queued so far: the bytes after it stay in
        // the buffer until resume() runs this again.
        if (!process()) {
          return;
        }
        if (input == null) {
          input = getConnector().getByteBufferPool().acquire(INPUT_BYTES, true);
        }
        int filled = getEndPoint().fill(input.getByteBuffer());
        if (filled <= 0) {
          // Every byte read so far is in records now (process() returned true).
          releaseInput();
        }
        if (filled < 0) {
          ended(new FrontServerClosed());
          return;
        }
        if (filled == 0) {
          fillInterested();
          return;
        }
      }
    } catch (ProtocolException e) {
      releaseInput();
      LOG.warn("FastCGI connection {}: {}; closing it", id, e.getMessage());
      ended(e);
    } catch (IOException e) {
      releaseInput();
      ended(e);
    } catch (RuntimeException e) {
      // A fault of the gateway's own: the connection must not be left open with no one reading
      // it, holding its buffer and its place under max-connections.
      releaseInput();
      LOG.error("FastCGI connection {}: reading failed; closing it", id, e);
      ended(e);
    }
  }

  /**
   * A connection that closes while paused still holds bytes queued behind the body the request
   * did not take: taking the paused state here (resume() can then no longer run onFillable) makes
   * this the buffer's only user, so it goes back to the pool.
   */
  @Override
  public void onClose(Throwable cause) {
    if (paused.compareAndSet(true, false) | pausedOnReplies.compareAndSet(true, false)) {
      releaseInput();
    }
    super.onClose(cause);
  }

  /**
   * Gives the read buffer back to the pool. read() calls this, and only one read() of a
   * connection runs at a time: another onFillable starts only once fill interest is set again,
   * after this read() is past its last use of the buffer (the first onFillable may still be
   * running its request then, which does not touch the buffer). onClose calls it only while the
   * connection is paused, when no read() runs.
   */
  private void releaseInput() {
    if (input != null) {
      input.release();
      input = null;
    }
  }

  /** @return false when reading must pause until the request takes its queued body */
  private boolean process() throws ProtocolException {
    Optional<ResponderSession.Event> event;
    while ((event = nextEvent()).isPresent()) {
      if (!act(event.get())) {
        return false;
      }
    }
    return true;
  }

  private synchronized Optional<ResponderSession.Event> nextEvent() throws ProtocolException {
    return input == null ? Optional.empty() : session.next(input.getByteBuffer());
  }

  private boolean act(ResponderSession.Event event) {
    if (event instanceof ResponderSession.Event.Begin begin) {
      keepConnection = begin.keepConnection();
      stdinEnded = false;
      stream = new FastCgiStream(this, channels.newHttpChannel(this), begin.requestId(),
          begin.keepConnection());
      stream.channel().setHttpStream(stream);
    } else if (event instanceof ResponderSession.Event.Params params) {
      start(new FastCgiParams(params.params(), namesScript));
    } else if (event instanceof ResponderSession.Event.ParamsTooLarge tooLarge) {
      answerDirectly(431, "the FastCGI params are larger than " + tooLarge.limitBytes()
          + " bytes");
    } else if (event instanceof ResponderSession.Event.Stdin stdin) {
      if (stream != null && stream.content(stdin.bytes(), false)) {
        paused.set(true);
        // Between content() and the line above the request may have taken enough of the queue,
        // or ended (a script need not read its whole body): its resume() then found nothing
        // paused, and reading would have stopped for good, a kept connection with it.
        if (stream.holding() || !paused.compareAndSet(true, false)) {
          return false;
        }
      }
    } else if (event instanceof ResponderSession.Event.StdinEnd) {
      stdinEnded = true;
      if (stream != null) {
        stream.content(new byte[0], true);
      }
    } else if (event instanceof ResponderSession.Event.Abort) {
      if (stream != null) {
        stream.abort();
      }
    } else if (event instanceof ResponderSession.Event.Reply reply) {
      write(List.of(reply.bytes()), Callback.NOOP);
      if (reply.closes()) {
        output.closeWhenFlushed();
        return false;
      }
      if (output.backlogged()) {
        // A peer that sends management records without reading the replies would otherwise
        // queue them without end: reading waits until the replies are written. As for a paused
        // body, the writer may have drained in between and found nothing paused.
        pausedOnReplies.set(true);
        if (output.backlogged() || !pausedOnReplies.compareAndSet(true, false)) {
          return false;
        }
      }
    }
    return true;
  }

  private void start(FastCgiParams params) {
    MetaData.Request request;
    try {
      request = FastCgiRequests.metaData(params);
    } catch (RuntimeException e) {
      // IllegalArgumentException from the params' own checks, and Jetty's HttpException from a
      // field it cannot parse (a Host of "a:b" or "[::1", which nginx's stock fastcgi_params pass
      // on from the client as HTTP_HOST): either way there is no request to run.
      answerDirectly(400, "the FastCGI params do not make a request: " + e.getMessage());
      return;
    }
    edge = Edge.of(params);
    running = true;
    shared.inFlight().incrementAndGet();
    stream.head(org.eclipse.jetty.http.HttpMethod.HEAD.is(request.getMethod()));
    Runnable task = stream.channel().onRequest(request);
    params.attachTo(stream.channel().getRequest());
    pendingRequest.set(task);
  }

  /** Answers the current request without the gateway, when it cannot even be made a request. */
  private void answerDirectly(int status, String reason) {
    LOG.warn("FastCGI connection {}: {}", id, reason);
    int requestId = session.activeRequest();
    String head = "Status: " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + reason + "\n";
    List<ByteBuffer> out = new ArrayList<>(RecordWriter.stream(FastCgiRecord.STDOUT, requestId,
        ByteBuffer.wrap(head.getBytes(StandardCharsets.UTF_8))));
    out.add(RecordWriter.endOfStream(FastCgiRecord.STDOUT, requestId));
    out.add(RecordWriter.endRequest(requestId, 0, RecordWriter.REQUEST_COMPLETE));
    stream = null;
    synchronized (this) {
      session.finished();
    }
    write(out, Callback.NOOP);
    carried = true;
    if (!keepConnection || shared.closing().get()) {
      // As completed() ends a connection that is not kept: closing under a front server still
      // sending the request's body fails its next write (Apache then answers 503, AH01075).
      if (stdinEnded) {
        output.closeWhenFlushed();
      } else {
        output.shutdownWhenFlushed();
      }
    }
  }

  /**
   * The request's last records are about to be written: the front server may send the next
   * request as soon as it reads them, so the session must be free before they go.
   */
  void ending(FastCgiStream done) {
    synchronized (this) {
      if (!done.sessionEnded) {
        done.sessionEnded = true;
        session.finished();
      }
    }
  }

  /**
   * The request's handler finished: the connection takes the next request, or closes.
   *
   * <p>A failure closes the connection only when the response is incomplete, since only closing
   * says so to the front server. Once END_REQUEST is on its way the front server has the whole
   * answer and may send its next request on this connection; what is left of this request's body
   * (a script need not read it all) arrives in records of a request no longer active, which the
   * session skips (specification section 3.3), so reading goes on.
   */
  void completed(FastCgiStream done, Throwable failure) {
    ending(done);
    done.over();
    if (running) {
      // Only a request that started counts as in flight: one aborted before its params ended
      // never did.
      running = false;
      shared.inFlight().decrementAndGet();
    }
    carried = true;
    if (failure != null && !done.answered() && done.aborted()) {
      // The front server asked for the end with ABORT_REQUEST: section 5.4 has the application
      // answer with END_REQUEST, and the connection stays as BEGIN_REQUEST asked.
      write(List.of(RecordWriter.endOfStream(FastCgiRecord.STDOUT, done.requestId()),
          RecordWriter.endRequest(done.requestId(), 0, RecordWriter.REQUEST_COMPLETE)),
          Callback.NOOP);
      failure = null;
    } else if (failure != null && !done.answered()) {
      cutOff(done);
      return;
    }
    // Draining, a kept connection ends as one that is not: the front server then opens its next
    // connection, which the gateway no longer takes (nginx tries its next upstream).
    if (!done.keepConnection() || shared.closing().get()) {
      if (stdinEnded) {
        output.closeWhenFlushed();
      } else {
        // The front server may still be sending this request's records (Apache sends its empty
        // STDIN record after the params, and a body may be left unread): a connection closed
        // under it fails its next write, and Apache then answers 503 (AH01075, Broken pipe).
        // Only our side closes now; the rest arrives for a finished request and is skipped, and
        // the connection closes when the front closes its side, or at the idle timeout.
        output.shutdownWhenFlushed();
        resume();
      }
      return;
    }
    if (failure != null) {
      LOG.debug("FastCGI connection {}: request {} answered, then {}", id, done.getId(),
          failure.toString());
    }
    resume();
  }

  /**
   * Ends the connection of an answer that failed, so that the front server tells its client the
   * body is incomplete. FastCGI has no record that says a response failed: only the connection
   * ending without END_REQUEST says it, and nginx without {@code fastcgi_keep_conn} takes an
   * orderly end of the connection for the end of the answer: it ends the client's chunked body
   * with its last chunk, and the client takes a truncated body for the whole one. A record of no
   * FastCGI type is an error to nginx ("upstream sent invalid FastCGI record type"), after which
   * it closes the client's connection without the last chunk. A reset (SO_LINGER 0) did the same
   * over TCP, but a Unix socket closes in order whatever its linger, so the record is the one
   * signal both transports carry. An answer not begun needs none: without a head nginx answers
   * 502 at any end of the connection.
   */
  private void cutOff(FastCgiStream done) {
    if (done.isCommitted()) {
      LOG.debug("FastCGI connection {}: request {} cut off after its answer began", id,
          done.getId());
      write(List.of(RecordWriter.record(NOT_A_TYPE, done.requestId(), new byte[0])),
          Callback.NOOP);
    }
    output.closeWhenFlushed();
  }

  /** Body reading may go on: the request took enough of what was queued. */
  void resume() {
    if (paused.compareAndSet(true, false)) {
      execute(this::onFillable);
    }
  }

  /**
   * Closes the connection, giving Jetty a cause of its own. Fill interest is set while a request
   * runs (so that an ABORT_REQUEST or the front server's close is seen), and Jetty fails an
   * interest still set at the close with the cause it is given, or, given none, with a new
   * {@code ClosedChannelException} whose stack trace it fills: some forty frames walked for every
   * connection, and nginx opens one per request unless told to keep them.
   */
  @Override
  public void close() {
    getEndPoint().close(new Closed());
  }

  /** The cause of a connection's close: not a failure, so it carries no stack trace. */
  static final class Closed extends ClosedChannelException {
    private static final long serialVersionUID = 1L;

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** The front server ended the connection: the request's end, told without a stack trace. */
  static final class FrontServerClosed extends EofException {
    private static final long serialVersionUID = 1L;

    FrontServerClosed() {
      super("the front server closed the connection");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  private void ended(Throwable cause) {
    FastCgiStream current = stream;
    if (current != null && session.activeRequest() != 0) {
      current.fail(cause);
    }
    close();
  }

  /**
   * A connection idle between requests, or in the middle of sending one (BEGIN_REQUEST alone,
   * params half sent), may be closed; one whose request runs may not, since the script's own time
   * limits decide how long it may take, however quiet it is.
   */
  @Override
  public boolean onIdleExpired(java.util.concurrent.TimeoutException timeout) {
    return !running;
  }

  void execute(Runnable task) {
    getExecutor().execute(task);
  }

  void write(List<ByteBuffer> buffers, Callback callback) {
    output.write(buffers, callback);
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    Edge current = edge;
    return current != null && current.remote() != null ? current.remote()
        : super.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    Edge current = edge;
    return current != null && current.local() != null ? current.local()
        : super.getLocalSocketAddress();
  }

  /**
   * A literal address from the front server; never a name to look up. Anything else (a name, or
   * a literal in a form Guava does not take) stays unresolved, as the front server wrote it.
   */
  static SocketAddress address(String literal, int port) {
    if (InetAddresses.isInetAddress(literal)) {
      return new InetSocketAddress(InetAddresses.forString(literal), port);
    }
    return InetSocketAddress.createUnresolved(literal, port);
  }

  @Override
  public String getId() {
    return id;
  }

  @Override
  public HttpVersion getHttpVersion() {
    return HttpVersion.HTTP_1_1;
  }

  @Override
  public String getProtocol() {
    Edge current = edge;
    return current == null ? "HTTP/1.1"
        : current.params().get("SERVER_PROTOCOL").orElse("HTTP/1.1");
  }

  @Override
  public boolean isPersistent() {
    return keepConnection && !shared.closing().get();
  }

  /**
   * Closes a kept connection that waits between requests, when the gateway drains. A request
   * the front server sends at that moment meets a closed connection, which it treats as an
   * upstream error (nginx then tries its next server): the usual race of closing a kept
   * connection, and the reason this happens only once the gateway takes no new connections.
   *
   * <p>A connection that has not carried a request yet stays open: the front server opened it
   * for a request it is sending (nginx writes its records right after connecting, which may be
   * just after the accept), and that request is served, as {@link GracefulRequests} serves what
   * arrives on connections opened before the listener closed. Closing it would lose a request
   * nginx may not retry (a POST), and an empty one closes when the gateway stops.
   *
   * <p>Nor is a connection idle while its request's last records are on their way: the session is
   * freed just before they are written ({@link #ending}), and a close in between would leave the
   * front server with the head and part of the body but no END_REQUEST, which nginx passes on as
   * a body cut short. Such a connection closes itself once the answer is out ({@link #completed}).
   */
  void closeIfIdle() {
    synchronized (this) {
      if (session.activeRequest() != 0 || !carried || running) {
        return;
      }
    }
    LOG.debug("FastCGI connection {}: closed while idle, draining", id);
    close();
  }

  @Override
  public boolean isSecure() {
    Edge current = edge;
    return current != null && current.params().secure();
  }

  @Override
  public Object removeAttribute(String name) {
    return attributes.removeAttribute(name);
  }

  @Override
  public Object setAttribute(String name, Object attribute) {
    return attributes.setAttribute(name, attribute);
  }

  @Override
  public Object getAttribute(String name) {
    return attributes.getAttribute(name);
  }

  @Override
  public java.util.Set<String> getAttributeNameSet() {
    return attributes.getAttributeNameSet();
  }

  /** Writes one batch of records at a time, in order, and closes when asked after the last. */
  private final class Output {
    /** Replies queued past this stop the reading of more records until they are written. */
    private static final long BACKLOG_BYTES = 64 * 1024;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean writing;
    /** Bytes handed to write() and not written yet. */
    private long queuedBytes;
    /** What to do once the queue is written: nothing (null), or end the output or the whole. */
    private Ending after;

    private record Pending(ByteBuffer[] buffers, Callback callback) {}

    private enum Ending { OUTPUT, CLOSE }

    void write(List<ByteBuffer> buffers, Callback callback) {
      synchronized (this) {
        queue.add(new Pending(buffers.toArray(ByteBuffer[]::new), callback));
        queuedBytes += bytes(buffers);
        if (writing) {
          return;
        }
        writing = true;
      }
      next();
    }

    synchronized boolean backlogged() {
      return queuedBytes > BACKLOG_BYTES;
    }

    private static long bytes(Iterable<ByteBuffer> buffers) {
      long total = 0;
      for (ByteBuffer buffer : buffers) {
        total += buffer.remaining();
      }
      return total;
    }

    void closeWhenFlushed() {
      endWhenFlushed(Ending.CLOSE);
    }

    /** Ends the output once what is queued is written, and leaves the input open. */
    void shutdownWhenFlushed() {
      endWhenFlushed(Ending.OUTPUT);
    }

    private void endWhenFlushed(Ending ending) {
      Ending effective;
      synchronized (this) {
        effective = after = after == Ending.CLOSE ? after : ending;
        if (writing) {
          return;
        }
      }
      end(effective);
    }

    private void end(Ending ending) {
      if (ending == Ending.CLOSE) {
        close();
      } else {
        getEndPoint().shutdownOutput();
      }
    }

    private void next() {
      Pending pending;
      Ending ending;
      synchronized (this) {
        pending = queue.poll();
        ending = after;
        if (pending == null) {
          writing = false;
          if (ending == null) {
            return;
          }
        }
      }
      if (pending == null) {
        end(ending);
        return;
      }
      long size = bytes(java.util.Arrays.asList(pending.buffers()));
      getEndPoint().write(Callback.from(() -> {
        boolean drained;
        synchronized (this) {
          queuedBytes -= size;
          drained = queuedBytes <= BACKLOG_BYTES;
        }
        pending.callback().succeeded();
        if (drained && pausedOnReplies.compareAndSet(true, false)) {
          execute(FastCgiConnection.this::onFillable);
        }
        next();
      }, failure -> {
        pending.callback().failed(failure);
        failAll(failure);
      }), pending.buffers());
    }

    private void failAll(Throwable failure) {
      List<Pending> left;
      synchronized (this) {
        left = new ArrayList<>(queue);
        queue.clear();
        writing = false;
      }
      left.forEach(p -> p.callback().failed(failure));
      close();
    }
  }
}
