package io.cgiguard.load;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Encodes the one request a run repeats, once, into the exact bytes every connection writes
 * (RFC 9112 section 3): request line, {@code Host}, the user's fields, {@code Content-Length}
 * when there is a body, the blank line and the body.
 */
final class RequestEncoding {

  private RequestEncoding() {}

  static byte[] encode(LoadPlan plan) {
    URI target = plan.target();
    String path = target.getRawPath() == null || target.getRawPath().isEmpty()
        ? "/" : target.getRawPath();
    String query = target.getRawQuery() == null ? "" : "?" + target.getRawQuery();
    int port = target.getPort();
    String host = port < 0 || port == 80 ? target.getHost() : target.getHost() + ":" + port;
    byte[] body = plan.body();

    StringBuilder head = new StringBuilder(256);
    head.append(plan.method()).append(' ').append(path).append(query).append(" HTTP/1.1\r\n");
    boolean hasHost = false;
    boolean hasUserAgent = false;
    for (String field : plan.headers()) {
      String name = field.substring(0, Math.max(0, field.indexOf(':'))).trim()
          .toLowerCase(Locale.ROOT);
      hasHost |= name.equals("host");
      hasUserAgent |= name.equals("user-agent");
      head.append(field).append("\r\n");
    }
    if (!hasHost) {
      head.append("Host: ").append(host).append("\r\n");
    }
    if (!hasUserAgent) {
      head.append("User-Agent: cgiguard-load\r\n");
    }
    if (body.length > 0) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream(head.length() + body.length);
    bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    bytes.writeBytes(body);
    return bytes.toByteArray();
  }

  /** @return whether {@code field} is a well-formed {@code Name: value} without line breaks */
  static boolean isHeaderField(String field) {
    int colon = field.indexOf(':');
    if (colon <= 0 || field.indexOf('\r') >= 0 || field.indexOf('\n') >= 0) {
      return false;
    }
    for (int i = 0; i < colon; i++) {
      char c = field.charAt(i);
      if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }
}
