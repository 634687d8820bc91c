package io.cgiguard.http;

import io.cgiguard.admission.RequestBody;
import io.cgiguard.attempt.BodySource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The request body as the attempt loop sees it. A body that may be replayed and fits the replay
 * buffer is read whole first; any other body is streamed to the first attempt's stdin as it
 * arrives, never held in memory. A chunked body reaches the script with CONTENT_LENGTH unset and
 * its stdin ending where the body ends, as Apache does.
 */
final class RequestBodies {

  private RequestBodies() {}

  /** A streamed body that counts what it passed and stops past the size limit. */
  static final class Streamed implements BodySource {
    private final InputStream in;
    private final long maxBytes;
    private volatile boolean tooLarge;

    Streamed(InputStream in, long maxBytes) {
      this.in = in;
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
    public void writeTo(OutputStream stdin) throws IOException {
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      boolean scriptListens = true;
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        total += n;
        if (total > maxBytes) {
          tooLarge = true;
          throw new IOException("the request body is larger than " + maxBytes + " bytes");
        }
        if (scriptListens) {
          try {
            stdin.write(buffer, 0, n);
          } catch (IOException scriptClosedStdin) {
            // The script does not want the rest of its stdin; keep reading the request so the
            // connection stays usable, but write no more.
            scriptListens = false;
          }
        }
      }
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
    return new Streamed(Content.Source.asInputStream(new Peeked(request, first)), maxBytes);
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
    InputStream in = Content.Source.asInputStream(request);
    long length = request.getLength();
    if (replayable && length >= 0 && length <= replayBytes) {
      return BodySource.of(in.readNBytes((int) length));
    }
    return new Streamed(in, maxBytes);
  }
}
