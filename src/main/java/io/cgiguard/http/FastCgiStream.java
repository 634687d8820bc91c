package io.cgiguard.http;

import io.cgiguard.fastcgi.FastCgiRecord;
import io.cgiguard.fastcgi.RecordWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.util.Callback;

/**
 * One FastCGI request as Jetty's {@link HttpStream}: STDIN becomes the request's content, and the
 * response goes back as a CGI header block and body in STDOUT records, ended by END_REQUEST. The
 * gateway's handlers see an ordinary request and response, so every step after the transport is
 * the one HTTP requests take.
 *
 * <p>Body bytes are queued up to {@link #QUEUE_BYTES}; past that the connection stops reading
 * until the handler has taken them, so a large upload never sits in memory whole.
 *
 * <p>The response waits for the body: nothing of it is written until the front server's STDIN
 * has ended (or the response is complete, or the request failed). nginx stops sending a request
 * body for good once it has passed the response's head on to its client (its send-request
 * handler becomes a dummy once the header is sent), so a head written while the body was still
 * coming left a script that reads its body after its head waiting for bytes that never came,
 * until nginx's {@code fastcgi_read_timeout}. fcgiwrap never meets this: it feeds the script its
 * whole body before it reads a byte of the answer. Up to {@link #HOLD_BYTES} of the answer wait in
 * memory and the script goes on; past that its writes wait too.
 */
final class FastCgiStream implements HttpStream {

  /** How many body bytes may wait for the handler before the connection stops reading. */
  static final int QUEUE_BYTES = 256 * 1024;

  /**
   * How many bytes of the answer are held in memory, their writes done, while the body is still
   * coming; as much as a pipe holds, so a script that writes a page before it reads its body
   * goes on to read it.
   */
  static final int HOLD_BYTES = 64 * 1024;

  /** Fields that describe the connection to the front server, never the response. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection");

  private final FastCgiConnection connection;
  private final HttpChannel channel;
  private final int requestId;
  private final boolean keepConnection;
  private final ArrayDeque<Content.Chunk> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean paused;
  private boolean demanded;
  /**
   * Whether the handler took the body's last chunk: from then on every read answers EOF, as a
   * {@link Content.Source} must. Answering nothing instead made Jetty take the body as unread
   * when the request completed, fail it, and close a connection the front server meant to keep.
   */
  private boolean ended;
  private Throwable failure;
  private volatile boolean committed;
  private boolean head;
  /** Whether the session was told this request ended; guarded by the connection. */
  boolean sessionEnded;
  /** Whether the response's last records, END_REQUEST among them, were handed to the writer. */
  private volatile boolean answered;
  /** Whether the front server ended the request with ABORT_REQUEST. */
  private volatile boolean aborted;
  /** Guards {@link #held} and {@link #releasing}; never held while calling out. */
  private final Object holdLock = new Object();
  /**
   * The answer's writes held until the body has come, in order; null once released, and from
   * then on every write goes straight to the connection.
   */
  private List<Held> held = new ArrayList<>();
  /** Bytes in {@link #held}. */
  private long heldBytes;
  /** Whether a thread is handing {@link #held} to the connection; others only add to it. */
  private boolean releasing;

  /**
   * One held write.
   *
   * @param callback the callback still owed (NOOP when it was completed as the write was held)
   * @param last whether it carries END_REQUEST
   */
  private record Held(List<ByteBuffer> records, Callback callback, boolean last) {}

  FastCgiStream(FastCgiConnection connection, HttpChannel channel, int requestId,
      boolean keepConnection) {
    this.connection = connection;
    this.channel = channel;
    this.requestId = requestId;
    this.keepConnection = keepConnection;
  }

  HttpChannel channel() {
    return channel;
  }

  boolean keepConnection() {
    return keepConnection;
  }

  /** @return whether the whole response, END_REQUEST included, went to the writer */
  boolean answered() {
    return answered;
  }

  void head(boolean isHead) {
    this.head = isHead;
  }

  @Override
  public String getId() {
    return Integer.toString(requestId);
  }

  /**
   * Queues body bytes from a STDIN record.
   *
   * @return whether the connection must stop reading until {@link #read()} resumes it
   */
  boolean content(byte[] bytes, boolean last) {
    boolean wake;
    boolean pause;
    synchronized (this) {
      queue.add(bytes.length == 0 && last ? Content.Chunk.EOF
          : Content.Chunk.from(ByteBuffer.wrap(bytes), last));
      queuedBytes += bytes.length;
      paused = pause = queuedBytes > QUEUE_BYTES;
      wake = demanded;
      demanded = false;
    }
    if (wake) {
      contentAvailable();
    }
    if (last) {
      release();
    }
    return pause;
  }

  /**
   * The request is over while its body may not be: whoever still waits to read it (the thread
   * writing it to a script that answered without it) gets a failure and stops, since no more of
   * it will come to this stream.
   */
  void over() {
    release();
    boolean wake;
    synchronized (this) {
      if (ended || failure != null) {
        return;
      }
      failure = new org.eclipse.jetty.io.EofException("the request is over");
      wake = demanded;
      demanded = false;
    }
    if (wake) {
      contentAvailable();
    }
  }

  /**
   * @return whether more body is queued than the connection may read past, and the request is
   *     still there to take it: once it is over, nothing will resume the connection but itself
   */
  synchronized boolean holding() {
    return paused && !ended && failure == null;
  }

  int requestId() {
    return requestId;
  }

  /** @return whether the front server ended the request with ABORT_REQUEST */
  boolean aborted() {
    return aborted;
  }

  /** The front server sent ABORT_REQUEST: the request fails, and is owed an END_REQUEST. */
  void abort() {
    aborted = true;
    fail(new org.eclipse.jetty.io.EofException("the front server aborted the request"));
  }

  /** The front server aborted the request or closed the connection. */
  void fail(Throwable cause) {
    synchronized (this) {
      failure = cause;
      demanded = false;
    }
    // No more body will come; what was held goes (to a closed connection, it fails its callbacks).
    release();
    Runnable task = channel.onRemoteFailure(cause);
    if (task != null) {
      connection.execute(task);
    }
  }

  @Override
  public Content.Chunk read() {
    Content.Chunk chunk;
    boolean resume = false;
    synchronized (this) {
      if (failure != null) {
        return Content.Chunk.from(failure, true);
      }
      if (ended) {
        return Content.Chunk.EOF;
      }
      chunk = queue.poll();
      if (chunk == null) {
        return null;
      }
      ended = chunk.isLast();
      queuedBytes -= chunk.remaining();
      if (paused && queuedBytes <= QUEUE_BYTES / 2) {
        paused = false;
        resume = true;
      }
    }
    if (resume) {
      connection.resume();
    }
    return chunk;
  }

  @Override
  public void demand() {
    synchronized (this) {
      if (queue.isEmpty() && failure == null && !ended) {
        demanded = true;
        return;
      }
    }
    contentAvailable();
  }

  private void contentAvailable() {
    Runnable task = channel.onContentAvailable();
    if (task != null) {
      connection.execute(task);
    }
  }

  @Override
  public void prepareResponse(org.eclipse.jetty.http.HttpFields.Mutable headers) {
    // The front server frames the response to the client; nothing to add here.
  }

  /**
   * Writes the answer's records, or holds them while the body is still coming (see the class
   * comment). A complete answer releases what was held with it: no one reads the body after
   * that, and nginx may stop sending it.
   */
  @Override
  public void send(MetaData.Request request, MetaData.Response response, boolean last,
      ByteBuffer content, Callback callback) {
    List<ByteBuffer> out = new ArrayList<>();
    if (response != null) {
      committed = true;
      head |= HttpMethod.HEAD.is(request.getMethod());
      out.addAll(RecordWriter.stream(FastCgiRecord.STDOUT, requestId, headerBlock(response)));
    }
    boolean hasContent = content != null && content.hasRemaining() && !head;
    if (last) {
      answered = true;
      if (hasContent) {
        out.addAll(RecordWriter.stream(FastCgiRecord.STDOUT, requestId, content));
      }
      out.add(RecordWriter.endOfStream(FastCgiRecord.STDOUT, requestId));
      out.add(RecordWriter.endRequest(requestId, 0, RecordWriter.REQUEST_COMPLETE));
      synchronized (holdLock) {
        if (held != null) {
          held.add(new Held(out, callback, true));
          out = null;
        }
      }
      if (out == null) {
        release();
      } else {
        connection.ending(this);
        connection.write(out, callback);
      }
      return;
    }
    boolean done;
    synchronized (holdLock) {
      if (held == null) {
        done = false;
      } else {
        long size = (out.isEmpty() ? 0 : bytes(out)) + (hasContent ? content.remaining() : 0);
        done = heldBytes + size <= HOLD_BYTES;
        if (hasContent) {
          // Held past this call, the caller's buffer must be copied once its write is done.
          out.addAll(RecordWriter.stream(FastCgiRecord.STDOUT, requestId,
              done ? copy(content) : content));
        }
        heldBytes += size;
        held.add(new Held(out, done ? Callback.NOOP : callback, false));
        out = null;
      }
    }
    if (out == null) {
      if (done) {
        callback.succeeded();
      }
      return;
    }
    if (hasContent) {
      out.addAll(RecordWriter.stream(FastCgiRecord.STDOUT, requestId, content));
    }
    connection.write(out, callback);
  }

  /**
   * Hands the held writes to the connection, in order, and lets every later one through. One
   * thread does it; writes that arrive meanwhile join the held ones and go in the same turn.
   */
  void release() {
    synchronized (holdLock) {
      if (held == null || releasing) {
        return;
      }
      releasing = true;
    }
    while (true) {
      List<Held> batch;
      synchronized (holdLock) {
        if (held.isEmpty()) {
          held = null;
          releasing = false;
          return;
        }
        batch = held;
        held = new ArrayList<>();
        heldBytes = 0;
      }
      for (Held write : batch) {
        if (write.last()) {
          // As for an answer written at once: the session is free before its end goes out.
          connection.ending(this);
        }
        connection.write(write.records(), write.callback());
      }
    }
  }

  private static long bytes(List<ByteBuffer> buffers) {
    long total = 0;
    for (ByteBuffer buffer : buffers) {
      total += buffer.remaining();
    }
    return total;
  }

  private static ByteBuffer copy(ByteBuffer content) {
    ByteBuffer copy = ByteBuffer.allocate(content.remaining());
    copy.put(content.slice());
    return copy.flip();
  }

  /** RFC 3875 section 6.3: the response head as a CGI script would write it, Status first. */
  private static ByteBuffer headerBlock(MetaData.Response response) {
    StringBuilder block = new StringBuilder(256);
    String reason = response.getReason() != null ? response.getReason()
        : HttpStatus.getMessage(response.getStatus());
    block.append("Status: ").append(response.getStatus()).append(' ').append(reason)
        .append("\r\n");
    for (HttpField field : response.getHttpFields()) {
      String value = field.getValue() == null ? "" : field.getValue();
      // The script's fields were checked when its header block was read; this guard keeps any
      // other field from ending the block early and splitting the response.
      if (!HOP_BY_HOP.contains(field.getName().toLowerCase(Locale.ROOT))
          && !breaksLine(field.getName()) && !breaksLine(value)) {
        block.append(field.getName()).append(": ").append(value).append("\r\n");
      }
    }
    block.append("\r\n");
    return ByteBuffer.wrap(block.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private static boolean breaksLine(String text) {
    return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
  }

  @Override
  public Runnable cancelSend(Throwable cause, Callback callback) {
    return () -> {
      connection.close();
      // Held writes go to the closed connection, which fails their callbacks.
      release();
      callback.failed(cause);
    };
  }

  @Override
  public long getIdleTimeout() {
    return connection.getEndPoint().getIdleTimeout();
  }

  @Override
  public void setIdleTimeout(long idleTimeoutMs) {
    connection.getEndPoint().setIdleTimeout(idleTimeoutMs);
  }

  @Override
  public boolean isCommitted() {
    return committed;
  }

  @Override
  public Throwable consumeAvailable() {
    return HttpStream.consumeAvailable(this, connection.getHttpConfiguration());
  }

  @Override
  public void succeeded() {
    connection.completed(this, null);
  }

  @Override
  public void failed(Throwable x) {
    connection.completed(this, x);
  }
}
