package io.cgiguard.fastcgi;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames what the gateway sends back (specification sections 5.3 and 5.5): a stream's bytes as
 * records of at most 65535 bytes each, padded to a multiple of eight as the specification
 * recommends, and the END_REQUEST that closes a request.
 */
public final class RecordWriter {

  /** END_REQUEST protocol status: the request ran to its end (section 5.5). */
  public static final int REQUEST_COMPLETE = 0;
  /** END_REQUEST protocol status: a second request on a connection that takes one at a time. */
  public static final int CANT_MPX_CONN = 1;
  /** END_REQUEST protocol status: a role other than Responder. */
  public static final int UNKNOWN_ROLE = 3;

  private RecordWriter() {}

  /**
   * @param type {@link FastCgiRecord#STDOUT} or {@link FastCgiRecord#STDERR}
   * @param content the bytes to send; its position is not moved
   * @return the records that carry {@code content}; none when it is empty (an empty record would
   *     end the stream)
   */
  public static List<ByteBuffer> stream(int type, int requestId, ByteBuffer content) {
    List<ByteBuffer> records = new ArrayList<>();
    ByteBuffer rest = content.slice();
    while (rest.hasRemaining()) {
      int n = Math.min(rest.remaining(), FastCgiRecord.MAX_CONTENT_BYTES);
      ByteBuffer part = rest.slice(rest.position(), n);
      rest.position(rest.position() + n);
      int padding = (8 - n % 8) % 8;
      records.add(header(type, requestId, n, padding));
      records.add(part);
      if (padding > 0) {
        records.add(ByteBuffer.allocate(padding));
      }
    }
    return records;
  }

  /** @return the empty record that ends a stream */
  public static ByteBuffer endOfStream(int type, int requestId) {
    return header(type, requestId, 0, 0);
  }

  /** @return an END_REQUEST record (section 5.5) */
  public static ByteBuffer endRequest(int requestId, int appStatus, int protocolStatus) {
    ByteBuffer record = ByteBuffer.allocate(FastCgiRecord.HEADER_BYTES + 8);
    record.put(header(FastCgiRecord.END_REQUEST, requestId, 8, 0));
    record.putInt(appStatus).put((byte) protocolStatus).put(new byte[3]);
    return record.flip();
  }

  /** @return one whole record with {@code content}, which must fit one record */
  public static ByteBuffer record(int type, int requestId, byte[] content) {
    int padding = (8 - content.length % 8) % 8;
    ByteBuffer record = ByteBuffer.allocate(FastCgiRecord.HEADER_BYTES + content.length + padding);
    record.put(header(type, requestId, content.length, padding)).put(content);
    return record.position(record.limit()).flip();
  }

  private static ByteBuffer header(int type, int requestId, int length, int padding) {
    ByteBuffer header = ByteBuffer.allocate(FastCgiRecord.HEADER_BYTES);
    header.put((byte) FastCgiRecord.VERSION).put((byte) type).putShort((short) requestId)
        .putShort((short) length).put((byte) padding).put((byte) 0);
    return header.flip();
  }
}
