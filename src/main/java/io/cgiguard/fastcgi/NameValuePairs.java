package io.cgiguard.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The name-value pairs of PARAMS, GET_VALUES and GET_VALUES_RESULT (specification section 3.4):
 * each length is one byte below 128, otherwise four bytes with the top bit set. Names and values
 * are read as ISO-8859-1, byte for byte, as a CGI environment carries them.
 */
public final class NameValuePairs {

  private NameValuePairs() {}

  /**
   * @param bytes the whole stream's content
   * @return the pairs in order; a repeated name keeps its last value
   * @throws ProtocolException when a length runs past the end of {@code bytes}
   */
  public static Map<String, String> decode(byte[] bytes) throws ProtocolException {
    Map<String, String> pairs = new LinkedHashMap<>();
    int at = 0;
    while (at < bytes.length) {
      long nameLength = length(bytes, at);
      at += width(bytes[at]);
      if (at >= bytes.length) {
        throw new ProtocolException("a name-value pair ends after its name length");
      }
      long valueLength = length(bytes, at);
      at += width(bytes[at]);
      if (nameLength + valueLength > bytes.length - at) {
        throw new ProtocolException("a name-value pair is longer than its stream");
      }
      String name = new String(bytes, at, (int) nameLength, StandardCharsets.ISO_8859_1);
      at += (int) nameLength;
      String value = new String(bytes, at, (int) valueLength, StandardCharsets.ISO_8859_1);
      at += (int) valueLength;
      pairs.put(name, value);
    }
    return pairs;
  }

  /** @return {@code pairs} encoded as one stream's content */
  public static byte[] encode(Map<String, String> pairs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, String> pair : pairs.entrySet()) {
      byte[] name = pair.getKey().getBytes(StandardCharsets.ISO_8859_1);
      byte[] value = pair.getValue().getBytes(StandardCharsets.ISO_8859_1);
      writeLength(out, name.length);
      writeLength(out, value.length);
      out.writeBytes(name);
      out.writeBytes(value);
    }
    return out.toByteArray();
  }

  private static int width(byte first) {
    return (first & 0x80) == 0 ? 1 : 4;
  }

  private static long length(byte[] bytes, int at) throws ProtocolException {
    if ((bytes[at] & 0x80) == 0) {
      return bytes[at];
    }
    if (at + 4 > bytes.length) {
      throw new ProtocolException("a four-byte length is cut short");
    }
    return ((long) (bytes[at] & 0x7F) << 24) | ((bytes[at + 1] & 0xFF) << 16)
        | ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 128) {
      out.write(length);
      return;
    }
    out.write(0x80 | (length >>> 24));
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
  }
}
