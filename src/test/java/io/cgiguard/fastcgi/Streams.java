package io.cgiguard.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the bytes a front server sends, and reads a session's events back, for the tests. */
final class Streams {

  private Streams() {}

  static byte[] record(int type, int requestId, byte[] content) {
    ByteBuffer record = RecordWriter.record(type, requestId, content);
    byte[] bytes = new byte[record.remaining()];
    record.get(bytes);
    return bytes;
  }

  static byte[] begin(int requestId, int role, boolean keep) {
    return record(FastCgiRecord.BEGIN_REQUEST, requestId,
        new byte[] {(byte) (role >> 8), (byte) role, (byte) (keep ? 1 : 0), 0, 0, 0, 0, 0});
  }

  static byte[] params(int requestId, Map<String, String> params) {
    return concat(record(FastCgiRecord.PARAMS, requestId, NameValuePairs.encode(params)),
        record(FastCgiRecord.PARAMS, requestId, new byte[0]));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A request as nginx sends one: BEGIN, PARAMS, STDIN with {@code body}, the empty STDIN. */
  static byte[] request(int requestId, Map<String, String> params, byte[] body) {
    return concat(begin(requestId, 1, false), params(requestId, params),
        body.length > 0 ? record(FastCgiRecord.STDIN, requestId, body) : new byte[0],
        record(FastCgiRecord.STDIN, requestId, new byte[0]));
  }

  /**
   * Feeds {@code chunks} to a fresh session and describes every event, and how it ended.
   *
   * @return one line per event; a protocol error is the last line
   */
  static List<String> events(int maxParamsBytes, List<byte[]> chunks) {
    ResponderSession session = new ResponderSession(maxParamsBytes, 8);
    List<String> seen = new ArrayList<>();
    try {
      for (byte[] chunk : chunks) {
        ByteBuffer in = ByteBuffer.wrap(chunk);
        Optional<ResponderSession.Event> event;
        while ((event = session.next(in)).isPresent()) {
          seen.add(describe(event.get()));
        }
        if (in.hasRemaining()) {
          seen.add("unread bytes");
        }
      }
    } catch (ProtocolException e) {
      seen.add("protocol error: " + e.getMessage());
    }
    return seen;
  }

  static String describe(ResponderSession.Event event) {
    if (event instanceof ResponderSession.Event.Stdin stdin) {
      return "Stdin " + java.util.Arrays.toString(stdin.bytes());
    }
    if (event instanceof ResponderSession.Event.Reply reply) {
      ByteBuffer bytes = reply.bytes().duplicate();
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      return "Reply " + java.util.Arrays.toString(copy);
    }
    return event.toString();
  }
}
