package io.cgiguard.http;

import io.cgiguard.fastcgi.FastCgiRecord;
import io.cgiguard.fastcgi.NameValuePairs;
import io.cgiguard.fastcgi.ProtocolException;
import io.cgiguard.fastcgi.RecordReader;
import io.cgiguard.fastcgi.RecordWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A raw FastCGI client on a Unix socket, record by record, for what nginx never sends
 * (ABORT_REQUEST, GET_VALUES, a second request on one connection, garbage).
 */
public final class FastCgiWire implements AutoCloseable {

  private final SocketChannel channel;
  private final RecordReader reader = new RecordReader();
  private final ByteBuffer input = ByteBuffer.allocate(64 * 1024).flip();
  /** Records read while waiting for another request's answer, kept for whoever asks next. */
  private final Deque<FastCgiRecord> heldBack = new ArrayDeque<>();

  private FastCgiWire(SocketChannel channel) {
    this.channel = channel;
  }

  public static FastCgiWire connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    return new FastCgiWire(channel);
  }

  /** Connects to a TCP listener. */
  public static FastCgiWire connect(java.net.InetSocketAddress address) throws IOException {
    return new FastCgiWire(SocketChannel.open(address));
  }

  public void send(ByteBuffer... records) throws IOException {
    for (ByteBuffer record : records) {
      while (record.hasRemaining()) {
        channel.write(record);
      }
    }
  }

  static ByteBuffer begin(int requestId, boolean keep) {
    return RecordWriter.record(FastCgiRecord.BEGIN_REQUEST, requestId,
        new byte[] {0, 1, (byte) (keep ? 1 : 0), 0, 0, 0, 0, 0});
  }

  static ByteBuffer params(int requestId, Map<String, String> params) {
    return RecordWriter.record(FastCgiRecord.PARAMS, requestId, NameValuePairs.encode(params));
  }

  static ByteBuffer empty(int type, int requestId) {
    return RecordWriter.record(type, requestId, new byte[0]);
  }

  /** A GET of {@code target} with the params nginx's fastcgi_params give, ready to send. */
  public static ByteBuffer[] get(int requestId, boolean keep, String target) {
    return new ByteBuffer[] {begin(requestId, keep),
        params(requestId, nginxParams("GET", target, Map.of())),
        empty(FastCgiRecord.PARAMS, requestId), empty(FastCgiRecord.STDIN, requestId)};
  }

  /** The same GET with {@code more} params added to (or replacing) nginx's. */
  public static ByteBuffer[] get(int requestId, boolean keep, String target,
      Map<String, String> more) {
    return new ByteBuffer[] {begin(requestId, keep),
        params(requestId, nginxParams("GET", target, more)),
        empty(FastCgiRecord.PARAMS, requestId), empty(FastCgiRecord.STDIN, requestId)};
  }

  /** nginx's fastcgi_params for {@code method} and {@code target}, and {@code more}. */
  private static Map<String, String> nginxParams(String method, String target,
      Map<String, String> more) {
    int query = target.indexOf('?');
    Map<String, String> params = new java.util.HashMap<>(Map.of("REQUEST_METHOD", method,
        "REQUEST_URI", target, "QUERY_STRING", query < 0 ? "" : target.substring(query + 1),
        "SERVER_PROTOCOL", "HTTP/1.1", "REMOTE_ADDR", "192.0.2.7", "REMOTE_PORT", "40000",
        "SERVER_NAME", "example.org", "SERVER_PORT", "80", "HTTP_HOST", "example.org"));
    params.putAll(more);
    return params;
  }

  /**
   * The records that start a POST of {@code contentLength} bytes to {@code target}, its body not
   * included: send them, then {@link #body} when the test wants the body to go.
   */
  public static ByteBuffer[] postHead(int requestId, boolean keep, String target,
      long contentLength) {
    return new ByteBuffer[] {begin(requestId, keep), params(requestId,
        nginxParams("POST", target, Map.of("CONTENT_LENGTH", Long.toString(contentLength)))),
        empty(FastCgiRecord.PARAMS, requestId)};
  }

  /** {@code bytes} as STDIN records, then the empty record that ends the body. */
  public static ByteBuffer[] body(int requestId, byte[] bytes) {
    java.util.List<ByteBuffer> records = new java.util.ArrayList<>(
        RecordWriter.stream(FastCgiRecord.STDIN, requestId, ByteBuffer.wrap(bytes)));
    records.add(empty(FastCgiRecord.STDIN, requestId));
    return records.toArray(ByteBuffer[]::new);
  }

  /** @return the next record, or empty when the gateway closed the connection */
  Optional<FastCgiRecord> read() throws IOException, ProtocolException {
    while (true) {
      Optional<FastCgiRecord> record = reader.next(input);
      if (record.isPresent()) {
        return record;
      }
      input.clear();
      int n = channel.read(input);
      input.flip();
      if (n < 0) {
        return Optional.empty();
      }
    }
  }

  /**
   * Reads one request's answer up to its END_REQUEST: its STDOUT as text. Records of other
   * requests that arrive meanwhile are held back for their own {@code answer} call, since the
   * gateway may interleave them in either order.
   */
  public Answer answer(int requestId) throws IOException, ProtocolException {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    Iterator<FastCgiRecord> held = heldBack.iterator();
    while (held.hasNext()) {
      FastCgiRecord record = held.next();
      if (record.requestId() == requestId) {
        held.remove();
        Optional<Answer> done = take(record, stdout);
        if (done.isPresent()) {
          return done.get();
        }
      }
    }
    while (true) {
      FastCgiRecord record = read().orElseThrow(() ->
          new IOException("the connection closed before END_REQUEST"));
      if (record.requestId() != requestId) {
        heldBack.add(record);
        continue;
      }
      Optional<Answer> done = take(record, stdout);
      if (done.isPresent()) {
        return done.get();
      }
    }
  }

  private static Optional<Answer> take(FastCgiRecord record, ByteArrayOutputStream stdout) {
    if (record.type() == FastCgiRecord.STDOUT) {
      stdout.writeBytes(record.content());
    } else if (record.type() == FastCgiRecord.END_REQUEST) {
      return Optional.of(new Answer(stdout.toString(StandardCharsets.ISO_8859_1),
          record.content()[4]));
    }
    return Optional.empty();
  }

  /** What came back for one request: the CGI response and END_REQUEST's protocol status. */
  public record Answer(String stdout, int protocolStatus) {}

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
