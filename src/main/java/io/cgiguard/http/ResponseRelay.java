package io.cgiguard.http;

import io.cgiguard.attempt.BodySource;
import io.cgiguard.cgi.HeaderField;
import io.cgiguard.cgi.ResponseHead;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ScriptProcess;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * Step six: relays a script's response to the client as the script writes it. The head is
 * translated once (hop-by-hop fields dropped, a safe Content-Type added where the script gave
 * none); the body is copied chunk by chunk, never buffered whole, and held to the script's own
 * Content-Length: a shorter body aborts the connection rather than pretending to be complete, and
 * bytes beyond it never reach the client.
 *
 * <p>A script that has already written its whole body and closed stdout when the relay starts
 * (most small scripts) gets its response sent in one socket write with a Content-Length, instead
 * of a chunked body and then its terminating chunk in a second write. The relay only looks
 * whether the pipe can be read at once; it never waits for more before sending what it has.
 */
final class ResponseRelay {

  /** Fields that describe one connection, not the response (RFC 9110 section 7.6.1). */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "proxy-authenticate",
      "content-length");

  /** Fields a response has once at most. */
  private static final Set<String> SINGLETONS = Set.of("date", "content-type");

  /**
   * @return the field names a script's Connection fields list: they describe the connection too,
   *     and are dropped with it (RFC 9110 section 7.6.1)
   */
  private static Set<String> connectionOptions(ResponseHead head) {
    Set<String> names = Set.of();
    for (HeaderField field : head.fields()) {
      if (field.name().equalsIgnoreCase("connection")) {
        if (names.isEmpty()) {
          names = new java.util.HashSet<>();
        }
        for (String option : field.value().split(",")) {
          String name = option.trim().toLowerCase(Locale.ROOT);
          if (!name.isEmpty()) {
            names.add(name);
          }
        }
      }
    }
    return names;
  }

  /**
   * How long a script whose stdout ended gets to be reaped, so that a body cut by a signal is
   * told from a complete one.
   */
  private static final Duration SETTLE = Duration.ofMillis(200);

  private final RelaySettings settings;
  private final DirectBuffers pool = new DirectBuffers(128);

  /**
   * @param defaultContentType sent when the script gave no Content-Type
   * @param bodyIdle longest silence of the script while its body streams
   * @param linger how long a script's leftovers may hold stdout after it exited
   */
  record RelaySettings(String defaultContentType, Duration bodyIdle, Duration linger) {}

  ResponseRelay(RelaySettings settings) {
    this.settings = settings;
  }

  /**
   * Sets status and header fields from the script's head; commits nothing yet. A 204 or 304 has
   * no body (RFC 9110 sections 15.3.5 and 15.4.5): it gets neither the script's Content-Length
   * nor a default Content-Type.
   */
  void head(Request request, Response response, ResponseHead head) {
    response.setStatus(head.status());
    if (!head.reason().isEmpty()) {
      ReasonPhrase.apply(request, head.status(), head.reason());
    }
    HttpFields.Mutable fields = response.getHeaders();
    Set<String> connectionOptions = connectionOptions(head);
    boolean typed = false;
    for (HeaderField field : head.fields()) {
      String name = field.name().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(name) || connectionOptions.contains(name)) {
        continue;
      }
      typed |= name.equals("content-type");
      if (SINGLETONS.contains(name)) {
        // One value only (RFC 9110 sections 6.6.1 and 8.3): the script's replaces the server's
        // Date, and of two Content-Types the last counts, as Apache takes them.
        fields.put(field.name(), field.value());
      } else {
        fields.add(field.name(), field.value());
      }
    }
    boolean bodiless = HttpStatus.hasNoBody(head.status());
    // A redirect's body is not shown; any other status with a Location (Status: 200 and a
    // Location, say) is a document like any other, and gets the safe type.
    boolean redirect = head.type() == ResponseHead.Type.CLIENT_REDIRECT
        && HttpStatus.isRedirection(head.status());
    if (!typed && !bodiless && !redirect) {
      fields.put("Content-Type", settings.defaultContentType());
      fields.put("X-Content-Type-Options", "nosniff");
    }
    if (!bodiless) {
      head.contentLength().ifPresent(length -> fields.put("Content-Length", Long.toString(length)));
    }
  }

  /**
   * Copies the body: first {@code bodyStart}, then the script's stdout until EOF.
   *
   * @param watch the body watch, told of every output and asked why a read ended early
   * @param requestBody the request's body: when the client's side of it failed, the script was
   *     stopped for that, and its output must not go out as a complete answer
   */
  RelayResult body(Request request, Response response, ScriptProcess process, byte[] bodyStart,
      OptionalLong contentLength, BodyWatch watch, BodySource requestBody)
      throws InterruptedException {
    if (HttpMethod.HEAD.is(request.getMethod())) {
      process.signalGroup(ScriptProcess.Signals.SIGKILL);
      if (contentLength.isEmpty() && !HttpStatus.hasNoBody(response.getStatus())) {
        // The head goes out as a GET's would begin, with no length: ending the response at once
        // would have Jetty declare Content-Length: 0, which RFC 9110 section 8.6 forbids unless a
        // GET's body would be empty.
        try (Blocker.Callback committed = Blocker.callback()) {
          response.write(false, null, committed);
          committed.block();
        } catch (IOException e) {
          return new RelayResult(RelayResult.End.CLIENT_GONE, 0, "the client went away: " + e);
        }
      }
      return new RelayResult(RelayResult.End.COMPLETE, 0, "");
    }
    if (HttpStatus.hasNoBody(response.getStatus())) {
      // A 204 or 304: what the script writes after its head is read and dropped, and the script
      // is left to finish whatever else it does, as for any other answer.
      discard(process, watch);
      return ending(process, watch, 0, OptionalLong.empty(), null);
    }
    long limit = contentLength.orElse(Long.MAX_VALUE);
    Copy copy = new Copy(response, limit, requestBody);
    try {
      if (!copy.whole(bodyStart, process, contentLength, watch)) {
        copy.pipe(process.stdoutChannel(), watch);
      }
    } catch (ClientGone gone) {
      process.signalGroup(ScriptProcess.Signals.SIGKILL);
      return new RelayResult(RelayResult.End.CLIENT_GONE, copy.sent, gone.getMessage());
    } finally {
      copy.release();
    }
    Optional<String> requestFailure = requestBody.requestFailure();
    if (requestFailure.isPresent() && !copy.lastWritten) {
      // Looked at after stdout ended: the failure is recorded before the script is stopped for
      // it, so an end that the stop caused always finds it here. An answer that already went out
      // whole (the script answered, unread body and all, before the body failed) stays whole.
      return new RelayResult(RelayResult.End.REQUEST_FAILED, copy.sent, requestFailure.get());
    }
    RelayResult end = ending(process, watch, copy.sent, contentLength, copy.settled);
    if (copy.overlong && end.end() == RelayResult.End.COMPLETE) {
      return new RelayResult(RelayResult.End.OVERLONG, copy.sent, "the script wrote more than "
          + "its Content-Length of " + copy.sent + " bytes; the rest was cut");
    }
    if (copy.lastWritten && end.end() == RelayResult.End.COMPLETE) {
      return new RelayResult(end.end(), end.bodyBytes(), end.detail(), true);
    }
    return end;
  }

  /**
   * One body copy: pipe → direct buffer → socket, with the read of the next chunk overlapping the
   * write of the previous one when that filled its buffer, and never more than {@code limit} bytes
   * written.
   */
  private final class Copy {
    private final Response response;
    private final long limit;
    private final BodySource requestBody;
    private final ByteBuffer[] buffers = new ByteBuffer[2];
    private Blocker.Callback pending;
    private long sent;
    private boolean overlong;
    /** How the script ended if that was awaited before the body went out, else null. */
    private Optional<ExitStatus> settled;
    /** Whether the whole body went out as the response's last write. */
    private boolean lastWritten;

    Copy(Response response, long limit, BodySource requestBody) {
      this.response = response;
      this.limit = limit;
      this.requestBody = requestBody;
    }

    /**
     * Writes {@code bodyStart} and whatever stdout holds that can be read without waiting; when
     * that reaches the end of stdout, the body is whole and goes out with its length.
     *
     * @return whether stdout has ended, so that there is nothing left to {@link #pipe}
     */
    boolean whole(byte[] bodyStart, ScriptProcess process, OptionalLong declared,
        BodyWatch watch) throws ClientGone, InterruptedException {
      ByteBuffer first = null;
      boolean ended = false;
      if (process.stdoutReady()) {
        first = buffers[0] = pool.take();
        if (bodyStart.length <= first.capacity()) {
          first.put(bodyStart);
          ended = readWhileReady(process, first, watch);
        } else {
          first = null;
        }
      }
      if (first == null) {
        write(ByteBuffer.wrap(bodyStart));
        finishWrite();
        return false;
      }
      first.flip();
      if (ended && requestBody.requestFailure().isPresent()) {
        // The script was stopped because its request body could not be had: nothing of its
        // answer goes out, so the client can still be told why (400 or 413).
        return true;
      }
      if (ended && declared.isEmpty() && !HttpStatus.hasNoBody(response.getStatus())) {
        // A length says the body is complete: only for a script that exited by itself, not one
        // killed half-way, which must still reach the client as a cut-off body.
        settled = process.awaitExit(SETTLE);
        if (!killedWhileWriting(settled, process)) {
          response.getHeaders().put(HttpHeader.CONTENT_LENGTH, first.remaining());
          // Also the response's end: over FastCGI that is the end records in the same write.
          lastWritten = true;
        }
      }
      write(first, lastWritten);
      finishWrite();
      return ended;
    }

    /**
     * Reads stdout, which was just found ready, for as long as it stays ready.
     *
     * @return whether stdout ended; stops when a read would wait or {@code buffer} is full
     */
    private boolean readWhileReady(ScriptProcess process, ByteBuffer buffer, BodyWatch watch) {
      ReadableByteChannel stdout = process.stdoutChannel();
      do {
        if (readScript(stdout, buffer) < 0) {
          return true;
        }
        watch.output();
      } while (buffer.hasRemaining() && process.stdoutReady());
      return false;
    }

    void pipe(ReadableByteChannel stdout, BodyWatch watch) throws ClientGone {
      if (buffers[0] == null) {
        buffers[0] = pool.take();
      }
      int current = 0;
      while (sent < limit) {
        ByteBuffer buffer = buffers[current].clear();
        if (readScript(stdout, buffer) < 0) {
          break;
        }
        watch.output();
        finishWrite();
        boolean full = !buffer.hasRemaining();
        write(buffer.flip());
        if (full) {
          // A full read means more is likely waiting: read it into the other buffer while this
          // one is written. A short read (the whole body of most scripts) is not worth a second
          // 128 KiB buffer, which with 64 scripts relaying was 8 MiB of the gateway's memory.
          if (buffers[1] == null) {
            buffers[1] = pool.take();
          }
          current = 1 - current;
        } else {
          finishWrite();
        }
      }
      finishWrite();
    }

    /** Starts writing {@code buffer}, cut to what the limit still allows. */
    void write(ByteBuffer buffer) {
      write(buffer, false);
    }

    private void write(ByteBuffer buffer, boolean last) {
      long room = limit - sent;
      if (buffer.remaining() > room) {
        overlong = true;
        buffer.limit(buffer.position() + (int) room);
      }
      if (!buffer.hasRemaining() && !last) {
        return;
      }
      sent += buffer.remaining();
      pending = Blocker.callback();
      response.write(last, buffer, pending);
    }

    /** Waits for the write in flight, if any. */
    void finishWrite() throws ClientGone {
      if (pending == null) {
        return;
      }
      try (Blocker.Callback written = pending) {
        pending = null;
        written.block();
      } catch (IOException e) {
        throw new ClientGone("the client went away after " + sent + " body bytes: " + e);
      }
    }

    void release() {
      if (pending != null) {
        // A write failed half-way: the buffer may still be referenced; let it go to the GC.
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (buffer != null) {
          pool.give(buffer);
        }
      }
    }
  }

  /** Reads the script's stdout to its end and drops it. */
  private void discard(ScriptProcess process, BodyWatch watch) {
    ByteBuffer buffer = pool.take();
    try {
      ReadableByteChannel stdout = process.stdoutChannel();
      while (readScript(stdout, buffer.clear()) >= 0) {
        watch.output();
      }
    } finally {
      pool.give(buffer);
    }
  }

  /** @param settled how the script ended if already awaited, else null */
  private RelayResult ending(ScriptProcess process, BodyWatch watch, long sent,
      OptionalLong contentLength, Optional<ExitStatus> settled) throws InterruptedException {
    if (watch.stalled()) {
      return new RelayResult(RelayResult.End.STALLED, sent, watch.why());
    }
    if (contentLength.isPresent() && sent < contentLength.getAsLong()) {
      return new RelayResult(RelayResult.End.TRUNCATED, sent, "the script sent " + sent
          + " of the " + contentLength.getAsLong() + " body bytes its Content-Length promised");
    }
    if (contentLength.isPresent()) {
      // Whatever the script writes past its Content-Length is cut off here; stop it writing.
      process.signalGroup(ScriptProcess.Signals.SIGKILL);
      return new RelayResult(RelayResult.End.COMPLETE, sent, "");
    }
    Optional<ExitStatus> end = settled != null ? settled : process.awaitExit(SETTLE);
    if (killedWhileWriting(end, process)) {
      ExitStatus.Signaled signaled = (ExitStatus.Signaled) end.orElseThrow();
      return new RelayResult(RelayResult.End.TRUNCATED, sent, "the script was killed by "
          + ScriptProcess.Signals.name(signaled.signal()) + " while writing its body");
    }
    return new RelayResult(RelayResult.End.COMPLETE, sent, "");
  }

  /** A signal the gateway did not send ended the script: its body may be cut anywhere. */
  private static boolean killedWhileWriting(Optional<ExitStatus> end, ScriptProcess process) {
    return end.isPresent() && end.get() instanceof ExitStatus.Signaled
        && process.signalSent().isEmpty();
  }

  private static int readScript(ReadableByteChannel stdout, ByteBuffer buffer) {
    try {
      return stdout.read(buffer);
    } catch (IOException e) {
      // The script's pipe failed or was closed by a kill: the body ends here.
      return -1;
    }
  }

  /** The client's side of the exchange failed while the body was written. */
  private static final class ClientGone extends Exception {
    private static final long serialVersionUID = 1L;

    ClientGone(String message) {
      super(message, null, false, false);
    }
  }
}
