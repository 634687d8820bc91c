package io.cgiguard.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses HTTP/1.1 responses (RFC 9112) pushed to it in whatever pieces the socket delivers: the
 * status line, the header fields, and a body framed by Content-Length, chunked coding or the end
 * of the connection. Only the first {@code retainBodyBytes} of a body are kept. What was parsed
 * stays readable when the connection ends early, which is how a truncated body is told from an
 * empty reply. Not thread-safe: one per connection.
 */
final class ResponseParser {

  private static final int MAX_LINE_BYTES = 64 * 1024;

  private enum State { STATUS, HEADERS, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS,
    UNTIL_CLOSE, DONE }

  private final byte[] retained;
  private byte[] line = new byte[256];
  private int lineLength;
  private State state;
  private long remaining;
  private boolean headRequest;
  private boolean untilClose;
  private Map<String, String> fields;

  long bytesReceived;
  int status;
  int minorVersion;
  Map<String, String> headers = Map.of();
  int retainedLength;

  ResponseParser(int retainBodyBytes) {
    this.retained = new byte[retainBodyBytes];
  }

  /** Forgets the previous response. */
  void begin(boolean requestWasHead) {
    headRequest = requestWasHead;
    state = State.STATUS;
    lineLength = 0;
    bytesReceived = 0;
    status = 0;
    minorVersion = 1;
    headers = Map.of();
    fields = new HashMap<>();
    retainedLength = 0;
  }

  /** Consumes bytes from {@code in}; @return whether the response is complete. */
  boolean feed(ByteBuffer in) throws MalformedResponseException {
    bytesReceived += in.remaining();
    while (in.hasRemaining() && state != State.DONE) {
      switch (state) {
        case FIXED, CHUNK_DATA -> body(in);
        case UNTIL_CLOSE -> keep(in, in.remaining());
        default -> {
          if (takeLine(in)) {
            onLine(new String(line, 0, lineLength, StandardCharsets.ISO_8859_1));
            lineLength = 0;
          }
        }
      }
    }
    return state == State.DONE;
  }

  /** The connection ended; @return whether that completes the response (a body to EOF). */
  boolean endOfInput() {
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      return true;
    }
    return state == State.DONE;
  }

  /** @return whether the connection may carry another request; valid once complete */
  boolean keepAlive() {
    String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
    boolean persistent =
        minorVersion >= 1 ? !connection.contains("close") : connection.contains("keep-alive");
    return persistent && state == State.DONE && !untilClose;
  }

  byte[] retainedBody() {
    return Arrays.copyOf(retained, retainedLength);
  }

  private void onLine(String text) throws MalformedResponseException {
    switch (state) {
      case STATUS -> {
        parseStatusLine(text);
        state = State.HEADERS;
      }
      case HEADERS -> {
        if (text.isEmpty()) {
          endOfHead();
        } else {
          int colon = text.indexOf(':');
          if (colon <= 0) {
            throw malformed("header line without a name: " + text);
          }
          fields.put(text.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              text.substring(colon + 1).trim());
        }
      }
      case CHUNK_SIZE -> chunkSize(text);
      case CHUNK_END -> {
        if (!text.isEmpty()) {
          throw malformed("chunk not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> state = text.isEmpty() ? State.DONE : State.TRAILERS;
      default -> throw new IllegalStateException("no line expected in " + state);
    }
  }

  private void endOfHead() throws MalformedResponseException {
    headers = fields;
    untilClose = false;
    if (status >= 100 && status < 200 && status != 101) {
      fields = new HashMap<>();
      state = State.STATUS;
      return;
    }
    String transferEncoding = headers.get("transfer-encoding");
    String contentLength = headers.get("content-length");
    if (headRequest || status == 204 || status == 304) {
      state = State.DONE;
    } else if (transferEncoding != null
        && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      state = State.CHUNK_SIZE;
    } else if (contentLength != null) {
      remaining = parseLength(contentLength);
      state = remaining == 0 ? State.DONE : State.FIXED;
    } else {
      untilClose = true;
      state = State.UNTIL_CLOSE;
    }
  }

  private void chunkSize(String text) throws MalformedResponseException {
    int extension = text.indexOf(';');
    String hex = (extension >= 0 ? text.substring(0, extension) : text).trim();
    try {
      remaining = Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw malformed("bad chunk size: " + text);
    }
    state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
  }

  private void body(ByteBuffer in) {
    int take = (int) Math.min(remaining, in.remaining());
    keep(in, take);
    remaining -= take;
    if (remaining == 0) {
      state = state == State.FIXED ? State.DONE : State.CHUNK_END;
    }
  }

  private void keep(ByteBuffer in, int count) {
    int room = Math.min(count, retained.length - retainedLength);
    in.get(retained, retainedLength, room);
    retainedLength += room;
    in.position(in.position() + count - room);
  }

  /** Appends to the current line up to its LF; @return whether the line is complete. */
  private boolean takeLine(ByteBuffer in) throws MalformedResponseException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return true;
      }
      if (lineLength == line.length) {
        if (line.length >= MAX_LINE_BYTES) {
          throw malformed("line longer than " + MAX_LINE_BYTES + " bytes");
        }
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
    return false;
  }

  private void parseStatusLine(String text) throws MalformedResponseException {
    if (text.length() < 12 || !text.startsWith("HTTP/1.") || text.charAt(8) != ' ') {
      throw malformed("bad status line: " + text);
    }
    minorVersion = text.charAt(7) - '0';
    try {
      status = Integer.parseInt(text.substring(9, 12));
    } catch (NumberFormatException e) {
      throw malformed("bad status code: " + text);
    }
  }

  private static long parseLength(String value) throws MalformedResponseException {
    try {
      long length = Long.parseLong(value.trim());
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // Reported below with the value.
    }
    throw malformed("bad Content-Length: " + value);
  }

  private static MalformedResponseException malformed(String message) {
    String shown = message.length() > 100 ? message.substring(0, 100) + "..." : message;
    return new MalformedResponseException(shown);
  }
}
