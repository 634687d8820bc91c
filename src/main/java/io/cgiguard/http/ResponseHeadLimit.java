package io.cgiguard.http;

import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * How large a response head the gateway can send, and whether a script's head fits. Jetty holds
 * a response head in one buffer of {@code HttpConfiguration.responseHeaderSize} (8 KiB unless
 * set) and answers a larger head with its own bare 500. The buffer is sized from
 * {@code limits.max-header-bytes} so that every header block the limit admits fits: a CGI line
 * {@code N:V LF} becomes {@code N: V CR LF}, at most 2 bytes more for at least 3 bytes of block,
 * so twice the block plus room for the gateway's own fields always holds it. The check before
 * the head is sent keeps that promise explicit: a head that would not fit becomes the gateway's
 * own failure, {@code headers-unrelayable}, instead of Jetty's page.
 */
final class ResponseHeadLimit {

  /** Room for the status line and the fields the gateway and Jetty add (request id, Date, ...). */
  static final int GATEWAY_FIELDS_BYTES = 8 * 1024;

  private ResponseHeadLimit() {}

  /** @return the response head buffer for scripts whose header blocks are at most this large */
  static int bufferBytes(int maxScriptHeaderBytes) {
    return (int) Math.min(Integer.MAX_VALUE - 16, 2L * maxScriptHeaderBytes + GATEWAY_FIELDS_BYTES);
  }

  /**
   * @return why a head with {@code fields} cannot be sent in a buffer of {@code bufferBytes}, or
   *     empty when it can (with the gateway-fields room to spare)
   */
  static Optional<String> check(HttpFields fields, int bufferBytes) {
    long bytes = 0;
    for (HttpField field : fields) {
      String value = field.getValue();
      bytes += field.getName().length() + 4L + (value == null ? 0 : value.length());
    }
    if (bytes + GATEWAY_FIELDS_BYTES <= bufferBytes) {
      return Optional.empty();
    }
    return Optional.of("the response head would be " + bytes + " bytes of header fields, more "
        + "than the " + (bufferBytes - GATEWAY_FIELDS_BYTES) + " the gateway can send");
  }
}
