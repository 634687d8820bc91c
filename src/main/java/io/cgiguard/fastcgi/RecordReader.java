package io.cgiguard.fastcgi;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Cuts a byte stream into records, however the bytes were split by the network. It holds at most
 * one record's content and padding (64 KiB + 255 bytes), whatever it is fed.
 */
public final class RecordReader {

  private final byte[] header = new byte[FastCgiRecord.HEADER_BYTES];
  private int headerFilled;
  private byte[] content;
  private int contentFilled;
  private int paddingLeft;
  private int type;
  private int requestId;

  /**
   * Takes bytes from {@code in} until one record is complete or {@code in} is empty.
   *
   * @return the record completed, if any; call again while {@code in} has bytes left
   * @throws ProtocolException when the header names a version other than 1
   */
  public Optional<FastCgiRecord> next(ByteBuffer in) throws ProtocolException {
    while (in.hasRemaining()) {
      if (headerFilled < header.length) {
        header[headerFilled++] = in.get();
        if (headerFilled == header.length) {
          startRecord();
        }
      } else if (contentFilled < content.length) {
        int n = Math.min(in.remaining(), content.length - contentFilled);
        in.get(content, contentFilled, n);
        contentFilled += n;
      } else {
        int skip = Math.min(in.remaining(), paddingLeft);
        in.position(in.position() + skip);
        paddingLeft -= skip;
      }
      if (headerFilled == header.length && contentFilled == content.length && paddingLeft == 0) {
        FastCgiRecord record = new FastCgiRecord(type, requestId, content);
        headerFilled = 0;
        content = null;
        return Optional.of(record);
      }
    }
    return Optional.empty();
  }

  /** @return whether bytes of a record not yet complete are held */
  public boolean midRecord() {
    return headerFilled > 0;
  }

  private void startRecord() throws ProtocolException {
    int version = header[0] & 0xFF;
    if (version != FastCgiRecord.VERSION) {
      throw new ProtocolException("FastCGI version " + version + " is not 1: the peer does not "
          + "speak FastCGI");
    }
    type = header[1] & 0xFF;
    requestId = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    content = new byte[((header[4] & 0xFF) << 8) | (header[5] & 0xFF)];
    contentFilled = 0;
    paddingLeft = header[6] & 0xFF;
  }
}
