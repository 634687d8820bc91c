package io.cgiguard.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses HTTP/1.1 responses (RFC 9112) straight from a socket's bytes into one reused buffer: the
 * status line, the header fields, and a body framed by Content-Length, chunked coding or the end
 * of the connection. Only the first {@code retainBodyBytes} of a body are kept; the rest is
 * counted and dropped, so a large body costs no memory.
 *
 * <p>What was parsed stays readable after an exception, which is how a truncated body is told
 * from an empty reply. Not thread-safe: one per connection.
 */
final class ResponseReader {

  private static final int BUFFER_BYTES = 32 * 1024;

  private final byte[] buffer = new byte[BUFFER_BYTES];
  private final byte[] retained;
  private InputStream in;
  private int pos;
  private int limit;
  private long deadlineNanos;

  long bytesReceived;
  int status;
  int minorVersion;
  Map<String, String> headers = Map.of();
  int retainedLength;

  ResponseReader(int retainBodyBytes) {
    this.retained = new byte[retainBodyBytes];
  }

  /** Starts reading from a new connection; whatever was buffered from the old one is dropped. */
  void attach(Socket socket) throws IOException {
    this.in = socket.getInputStream();
    pos = 0;
    limit = 0;
  }

  /** Forgets the previous response; {@code deadlineNanos} is on the {@link System#nanoTime} clock. */
  void begin(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
    bytesReceived = 0;
    status = 0;
    minorVersion = 1;
    headers = Map.of();
    retainedLength = 0;
  }

  /** Reads the status line and header fields, skipping interim 1xx responses. */
  void readHead() throws IOException {
    do {
      parseStatusLine(readLine());
      Map<String, String> fields = new HashMap<>();
      for (String line = readLine(); !line.isEmpty(); line = readLine()) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new MalformedResponseException("header line without a name: " + abbreviate(line));
        }
        fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      headers = fields;
    } while (status >= 100 && status < 200 && status != 101);
  }

  /**
   * Reads the body the head announced.
   *
   * @param requestWasHead whether the request was HEAD, which has no body whatever the head says
   * @return whether the connection may carry another request
   */
  boolean readBody(boolean requestWasHead) throws IOException {
    boolean keepAlive = keepAlive();
    if (requestWasHead || status == 204 || status == 304) {
      return keepAlive;
    }
    String transferEncoding = headers.get("transfer-encoding");
    String contentLength = headers.get("content-length");
    if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      readChunked();
      return keepAlive;
    }
    if (contentLength != null) {
      readFixed(parseLength(contentLength));
      return keepAlive;
    }
    readUntilClose();
    return false;
  }

  /** @return a copy of the retained start of the body */
  byte[] retainedBody() {
    return Arrays.copyOf(retained, retainedLength);
  }

  private boolean keepAlive() {
    String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
    return minorVersion >= 1 ? !connection.contains("close") : connection.contains("keep-alive");
  }

  private void parseStatusLine(String line) throws MalformedResponseException {
    // "HTTP/1.1 200 OK": the reason phrase is optional and ignored.
    if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' ') {
      throw new MalformedResponseException("bad status line: " + abbreviate(line));
    }
    minorVersion = line.charAt(7) - '0';
    try {
      status = Integer.parseInt(line.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new MalformedResponseException("bad status code: " + abbreviate(line));
    }
  }

  private void readChunked() throws IOException {
    while (true) {
      String sizeLine = readLine();
      int extension = sizeLine.indexOf(';');
      String hex = (extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new MalformedResponseException("bad chunk size: " + abbreviate(sizeLine));
      }
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // Trailer fields carry nothing the classifier uses.
        }
        return;
      }
      readFixed(size);
      if (!readLine().isEmpty()) {
        throw new MalformedResponseException("chunk not followed by CRLF");
      }
    }
  }

  private void readFixed(long length) throws IOException {
    long remaining = length;
    while (remaining > 0) {
      if (pos == limit && !fill()) {
        throw new EOFException("connection closed " + remaining + " bytes before the body's end");
      }
      int take = (int) Math.min(remaining, limit - pos);
      retain(take);
      pos += take;
      remaining -= take;
    }
  }

  private void readUntilClose() throws IOException {
    while (pos < limit || fill()) {
      int take = limit - pos;
      retain(take);
      pos += take;
    }
  }

  private void retain(int count) {
    int room = Math.min(count, retained.length - retainedLength);
    if (room > 0) {
      System.arraycopy(buffer, pos, retained, retainedLength, room);
      retainedLength += room;
    }
  }

  /** One line without its CR LF, decoded as ISO-8859-1; EOF before the LF throws. */
  private String readLine() throws IOException {
    int scanFrom = pos;
    while (true) {
      for (int i = scanFrom; i < limit; i++) {
        if (buffer[i] == '\n') {
          int end = i > pos && buffer[i - 1] == '\r' ? i - 1 : i;
          String line = new String(buffer, pos, end - pos, StandardCharsets.ISO_8859_1);
          pos = i + 1;
          return line;
        }
      }
      if (pos == 0 && limit == buffer.length) {
        throw new MalformedResponseException("line longer than " + BUFFER_BYTES + " bytes");
      }
      int kept = limit - pos;
      System.arraycopy(buffer, pos, buffer, 0, kept);
      pos = 0;
      limit = kept;
      scanFrom = kept;
      if (!fill()) {
        throw new EOFException("connection closed in the middle of a line");
      }
    }
  }

  /**
   * Reads more bytes after {@code limit}; false at EOF. The read blocks without a socket timeout:
   * a timed read costs the JDK a non-blocking read, a poll and another read, which at these rates
   * is most of the client's CPU. A {@link DeadlineReaper} closes the socket at the deadline
   * instead; this check only catches a response that trickles in past it.
   */
  private boolean fill() throws IOException {
    if (pos == limit) {
      pos = 0;
      limit = 0;
    }
    long remainingNanos = deadlineNanos - System.nanoTime();
    if (remainingNanos <= 0) {
      throw new SocketTimeoutException("request deadline passed");
    }
    int read = in.read(buffer, limit, buffer.length - limit);
    if (read < 0) {
      return false;
    }
    limit += read;
    bytesReceived += read;
    return true;
  }

  private static long parseLength(String value) throws MalformedResponseException {
    try {
      long length = Long.parseLong(value.trim());
      if (length < 0) {
        throw new NumberFormatException();
      }
      return length;
    } catch (NumberFormatException e) {
      throw new MalformedResponseException("bad Content-Length: " + abbreviate(value));
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  /** The bytes are not an HTTP/1.x response. */
  static final class MalformedResponseException extends IOException {
    MalformedResponseException(String message) {
      super(message);
    }
  }
}
