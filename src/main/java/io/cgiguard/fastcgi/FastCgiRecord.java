package io.cgiguard.fastcgi;

/**
 * One FastCGI record (specification section 3.3): a type, a request id and up to 65535 bytes of
 * content. Padding is the framing's business and never reaches this record.
 *
 * @param type the record type, one of the constants below
 * @param requestId 0 for management records, otherwise the request the record belongs to
 * @param content the record's content, 0 to {@link #MAX_CONTENT_BYTES} bytes
 */
public record FastCgiRecord(int type, int requestId, byte[] content) {

  /** The only protocol version there is. */
  public static final int VERSION = 1;
  /** The fixed size of a record header. */
  public static final int HEADER_BYTES = 8;
  /** The largest content a record can carry (a 16-bit length). */
  public static final int MAX_CONTENT_BYTES = 0xFFFF;

  public static final int BEGIN_REQUEST = 1;
  public static final int ABORT_REQUEST = 2;
  public static final int END_REQUEST = 3;
  public static final int PARAMS = 4;
  public static final int STDIN = 5;
  public static final int STDOUT = 6;
  public static final int STDERR = 7;
  public static final int DATA = 8;
  public static final int GET_VALUES = 9;
  public static final int GET_VALUES_RESULT = 10;
  public static final int UNKNOWN_TYPE = 11;

  public FastCgiRecord {
    if (content.length > MAX_CONTENT_BYTES) {
      throw new IllegalArgumentException("a record carries at most 65535 bytes");
    }
  }

  /** @return whether this is a management record (request id 0, section 3.3) */
  public boolean management() {
    return requestId == 0;
  }
}
