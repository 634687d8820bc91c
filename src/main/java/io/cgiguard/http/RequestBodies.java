package io.cgiguard.http;

import io.cgiguard.admission.RequestBody;
import io.cgiguard.attempt.BodySource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * The request body as the attempt loop sees it. A body that may be replayed and fits the replay
 * buffer is read whole first; any other body is streamed to the first attempt's stdin as it
 * arrives, never held in memory. A chunked body reaches the script with CONTENT_LENGTH unset and
 * its stdin ending where the body ends, as Apache does.
 */
final class RequestBodies {

  private RequestBodies() {}

  /**
   * The size of each read from a client connection, so of each chunk of a request body: Jetty's
   * default of 8 KiB made a 16 MiB upload some 2,000 reads of the socket. Most of an upload's
   * cost is the kernel's, per read: 128 KiB reads, each one write to the pipe, cost less CPU per
   * upload than 64 KiB ones. The buffer is pooled and held only while a connection has unparsed
   * bytes, not while it idles.
   */
  static final int CONNECTION_READ_BYTES = 128 * 1024;

  /**
   * Holds the bytes of a streamed body between the request and the script's stdin: one pooled
   * direct buffer per body being written, so a write to the pipe is neither a copy through the
   * heap nor an allocation.
   */
  private static final DirectBuffers STAGING = new DirectBuffers(16);

  /**
   * A chunk at least this large, in a direct buffer, goes to the pipe as it is, in one gathering
   * write behind whatever was staged before it, instead of being copied into the staging buffer
   * first: while a client sends fast, every chunk is a whole connection read and the copy was
   * the only work the gateway added to the kernel's.
   */
  static final int DIRECT_WRITE_BYTES = DirectBuffers.BUFFER_BYTES / 4;

  /**
   * A streamed body that counts what it passed and stops past the size limit.
   *
   * <p>Jetty hands the body over in chunks of its connection's read size
   * ({@link #CONNECTION_READ_BYTES}, at most); written one by one they cost the script's pipe a system call, and the script a wake-up, per
   * chunk. Small chunks already received are gathered first, up to
   * {@link DirectBuffers#BUFFER_BYTES}, and written with one call; a large chunk is written from
   * Jetty's own buffer together with them ({@link #DIRECT_WRITE_BYTES}); the pipe is written
   * whenever nothing more has arrived, so a slow client's bytes are never held back.
   */
  static final class Streamed implements BodySource {
    private final Content.Source source;
    private final long maxBytes;
    private volatile boolean tooLarge;
    private volatile String requestFailure;
    /** Held around every call into {@link #source}, and while {@link #stopped} is set. */
    private final Object gate = new Object();
    /** Guarded by {@link #gate}: the answer is complete, and the request is Jetty's alone. */
    private boolean stopped;
    /** A permit for each time Jetty says more of the body may be read, and for a stop. */
    private final Semaphore arrivals = new Semaphore(0);
    private final Runnable arrived = Invocable.from(Invocable.InvocationType.NON_BLOCKING,
        arrivals::release);

    Streamed(Content.Source source, long maxBytes) {
      this.source = source;
      this.maxBytes = maxBytes;
    }

    @Override
    public RequestBody replay() {
      return RequestBody.STREAMED;
    }

    /** @return whether the body grew past the limit (only a chunked body can) */
    boolean tooLarge() {
      return tooLarge;
    }

    @Override
    public Optional<String> requestFailure() {
      return Optional.ofNullable(requestFailure);
    }

    /**
     * Ends the pump's reading, before the answer completes: from then on Jetty alone touches the
     * request, which it reads to its end or gives up with the connection. A script that answered
     * without reading its whole body (a POST that declared a megabyte and sent ten bytes) had the
     * pump still reading or asking for more while Jetty completed the request, and one or the
     * other then failed inside Jetty with a NullPointerException. Waits for a read in progress.
     */
    void stop() {
      synchronized (gate) {
        stopped = true;
      }
      arrivals.release();
    }

    /** @return {@code callback}, which first stops this body's pump ({@link #stop}) */
    Callback stoppingFirst(Callback callback) {
      return new Callback.Nested(callback) {
        @Override
        public void succeeded() {
          stop();
          super.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
          stop();
          super.failed(failure);
        }
      };
    }

    @Override
    public void writeTo(OutputStream stdin) throws IOException {
      // The launcher's stdin is a channel too; only another kind of stream needs the adapter.
      Pipe pipe = new Pipe(stdin instanceof WritableByteChannel channel ? channel
          : Channels.newChannel(stdin));
      ByteBuffer staged = STAGING.take();
      try {
        long total = 0;
        boolean last = false;
        while (!last) {
          Content.Chunk chunk;
          synchronized (gate) {
            if (stopped) {
              break;
            }
            chunk = source.read();
          }
          if (chunk == null) {
            if (staged.position() > 0) {
              pipe.write(staged);
            } else if (!awaitContent()) {
              break;
            }
            continue;
          }
          try {
            if (Content.Chunk.isFailure(chunk)) {
              requestFailure = failureOf(chunk.getFailure());
              throw new IOException("reading the request body failed", chunk.getFailure());
            }
            ByteBuffer bytes = chunk.getByteBuffer();
            total += bytes.remaining();
            if (total > maxBytes) {
              tooLarge = true;
              requestFailure = "the request body is larger than " + maxBytes + " bytes";
              throw new IOException(requestFailure);
            }
            last = chunk.isLast();
            if (bytes.isDirect() && bytes.remaining() >= DIRECT_WRITE_BYTES) {
              pipe.write(staged, bytes);
            } else {
              stage(bytes, staged, pipe);
            }
          } finally {
            chunk.release();
          }
        }
        pipe.write(staged);
      } finally {
        STAGING.give(staged);
      }
    }

    /**
     * @return the client's failure in words of the gateway's own: the exception's text is Jetty's
     *     and may quote the request, so it goes to the debug log only. Jetty reports malformed
     *     chunked framing and a connection that ended early alike ("Early EOF"), so one sentence
     *     names both.
     */
    private static String failureOf(Throwable failure) {
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        if (cause instanceof TimeoutException) {
          return "the client stopped sending the request body (idle timeout)";
        }
      }
      return "the request body could not be read: its chunked framing was malformed, or the "
          + "connection ended before all of it arrived";
    }

    /** Copies {@code bytes} into {@code staged}, writing {@code staged} out each time it fills. */
    private static void stage(ByteBuffer bytes, ByteBuffer staged, Pipe pipe) {
      int at = bytes.position();
      int end = bytes.limit();
      while (at < end && pipe.scriptListens) {
        int n = Math.min(end - at, staged.remaining());
        staged.put(staged.position(), bytes, at, n);
        staged.position(staged.position() + n);
        at += n;
        if (!staged.hasRemaining()) {
          pipe.write(staged);
        }
      }
    }

    /** @return false once stopped: the pump reads no more */
    private boolean awaitContent() throws IOException {
      synchronized (gate) {
        if (stopped) {
          return false;
        }
        source.demand(arrived);
      }
      try {
        arrivals.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for the request body");
      }
      return true;
    }
  }

  /** The script's stdin, until the script stops reading it. */
  private static final class Pipe {
    private final WritableByteChannel channel;
    private final ByteBuffer[] pair = new ByteBuffer[2];
    private boolean scriptListens = true;

    Pipe(WritableByteChannel channel) {
      this.channel = channel;
    }

    /**
     * Writes what {@code staged} holds and then all of {@code bytes}, in one gathering write
     * when the pipe takes it, and empties {@code staged}.
     */
    void write(ByteBuffer staged, ByteBuffer bytes) {
      if (!(channel instanceof GatheringByteChannel gathering)) {
        write(staged);
        writeAll(bytes);
        return;
      }
      staged.flip();
      pair[0] = staged;
      pair[1] = bytes;
      try {
        while (scriptListens && bytes.hasRemaining()) {
          gathering.write(pair);
        }
      } catch (IOException scriptClosedStdin) {
        scriptListens = false; // as in writeAll
      } finally {
        pair[0] = null;
        pair[1] = null;
      }
      staged.clear();
    }

    private void writeAll(ByteBuffer bytes) {
      try {
        while (scriptListens && bytes.hasRemaining()) {
          channel.write(bytes);
        }
      } catch (IOException scriptClosedStdin) {
        // The script does not want the rest of its stdin; keep reading the request so the
        // connection stays usable, but write no more.
        scriptListens = false;
      }
    }

    /** Writes what {@code staged} holds and empties it; written or dropped, it is gone. */
    void write(ByteBuffer staged) {
      staged.flip();
      writeAll(staged);
      staged.clear();
    }
  }

  /** @return whether the request carries a body at all */
  static boolean hasBody(Request request) {
    long length = request.getLength();
    return length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
  }

  /**
   * HTTP/2 and HTTP/3 have no {@code Transfer-Encoding}: a request without {@code Content-Length}
   * may still carry a body, as DATA frames until the end of the stream.
   */
  private static boolean framedWithoutLength(Request request) {
    return request.getLength() < 0
        && request.getConnectionMetaData().getHttpVersion().getVersion() >= 20;
  }

  /**
   * A request whose stream ended with its headers (a GET, say) has no body, and keeps its
   * retries; anything else streams to the script like a chunked HTTP/1.1 body.
   */
  private static BodySource framed(Request request, long maxBytes) {
    Content.Chunk first = request.read();
    if (first != null && first.isLast() && !first.hasRemaining() && !Content.Chunk.isFailure(first)) {
      first.release();
      return BodySource.NONE;
    }
    return new Streamed(new Peeked(request, first), maxBytes);
  }

  /** A source whose first chunk was already read to look at it. */
  private static final class Peeked implements Content.Source {
    private final Content.Source source;
    private Content.Chunk first;

    Peeked(Content.Source source, Content.Chunk first) {
      this.source = source;
      this.first = first;
    }

    @Override
    public synchronized Content.Chunk read() {
      if (first != null) {
        Content.Chunk chunk = first;
        first = null;
        return chunk;
      }
      return source.read();
    }

    @Override
    public void demand(Runnable demandCallback) {
      boolean ready;
      synchronized (this) {
        ready = first != null;
      }
      if (ready) {
        demandCallback.run();
      } else {
        source.demand(demandCallback);
      }
    }

    @Override
    public void fail(Throwable failure) {
      synchronized (this) {
        if (first != null) {
          first.release();
          first = null;
        }
      }
      source.fail(failure);
    }

    @Override
    public long getLength() {
      return source.getLength();
    }
  }

  /**
   * @param replayable whether a retry of this request could use its body
   * @param replayBytes the replay buffer's size
   * @param maxBytes the largest body accepted
   */
  static BodySource of(Request request, boolean replayable, int replayBytes, long maxBytes)
      throws IOException {
    if (framedWithoutLength(request)) {
      return framed(request, maxBytes);
    }
    if (!hasBody(request)) {
      return BodySource.NONE;
    }
    long length = request.getLength();
    if (replayable && length >= 0 && length <= replayBytes) {
      return BodySource.of(Content.Source.asInputStream(request).readNBytes((int) length));
    }
    return new Streamed(request, maxBytes);
  }
}
