package io.cgiguard.cgi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The request path as the gateway understands it: percent-decoded exactly once and checked in one
 * fixed order, before any script is looked up (RFC 3875 section 3.3 works on decoded segments).
 *
 * <p>Decoding once and in one place is the point: path traversal and source disclosure bugs come
 * from one layer decoding what another already checked. Every spelling that could mean something
 * else to a later layer (a file system, Windows, a second decoder) is rejected rather than
 * normalised; the HTTP layer answers {@link Rejected} with 400.
 *
 * <p>Checks, per raw segment, in this order: raw characters (control, non-ASCII, backslash),
 * percent-escape syntax, decoded bytes (control, {@code /}, {@code \}, a {@code %} that starts
 * another escape), UTF-8 (overlong forms, then any invalid sequence), then the decoded text
 * ({@code .} and {@code ..}, a trailing dot or space, {@code :$}, the soft hyphen U+00AD and C1
 * controls). Empty segments, from {@code //} or a trailing {@code /}, are collapsed.
 */
public sealed interface RequestPath {

  /**
   * A path that passed every check.
   *
   * @param segments the decoded, non-empty segments in order
   * @param decodedPath {@code /} followed by the segments joined by {@code /}, with a trailing
   *     {@code /} when the raw path had one
   */
  record Decoded(List<String> segments, String decodedPath) implements RequestPath {
    public Decoded {
      segments = List.copyOf(segments);
    }
  }

  /** A path that was refused; {@code reason} says which check, in ASCII (pages still escape it). */
  record Rejected(String reason) implements RequestPath {}

  /**
   * Decodes and checks a raw request path.
   *
   * @param rawPath the path exactly as the client sent it, without the query, undecoded
   */
  static RequestPath decode(String rawPath) {
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return new Rejected("the path must start with /");
    }
    List<String> segments = new ArrayList<>();
    int start = 1;
    while (start <= rawPath.length()) {
      int slash = rawPath.indexOf('/', start);
      int end = slash < 0 ? rawPath.length() : slash;
      if (end > start) {
        Rejected rejected = PathSegment.decodeInto(rawPath.substring(start, end), segments);
        if (rejected != null) {
          return rejected;
        }
      }
      start = end + 1;
    }
    String joined = "/" + String.join("/", segments);
    boolean trailingSlash = !segments.isEmpty() && rawPath.endsWith("/");
    return new Decoded(segments, trailingSlash ? joined + "/" : joined);
  }

  /**
   * Percent-encodes a decoded segment so that it can stand in a URL again: everything but the
   * RFC 3986 {@code pchar} set is encoded as UTF-8 escapes, and so is {@code %} itself.
   */
  static String encodeSegment(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isUnencodedPchar(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static boolean isUnencodedPchar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
  }
}
