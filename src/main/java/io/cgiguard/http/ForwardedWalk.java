package io.cgiguard.http;

import io.cgiguard.config.AddressRange;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Who the client really is, from the forwarding headers of a request that came through trusted
 * proxies: {@code Forwarded} (RFC 7239) or the {@code X-Forwarded-*} family, whichever the caller
 * passes (the configuration names the one the proxies write; the other is left null). The chain is walked from the right, past every trusted hop; the first hop that is
 * not trusted is the client, since anything left of it was written by someone no proxy vouches
 * for. A hop that is not an IP address ends the walk, and the last trusted hop stays the client.
 *
 * <p>The scheme, host and port are taken from the same position as the client: from its
 * {@code Forwarded} element, or from the {@code X-Forwarded-Proto}/{@code Host}/{@code Port}
 * entry at its index when those lists are as long as {@code X-Forwarded-For} (else their last
 * entry, the one the nearest proxy wrote).
 */
final class ForwardedWalk {

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private ForwardedWalk() {}

  /** The forwarding headers of one request, each header's lines joined with commas. */
  record Headers(String forwarded, String forwardedFor, String proto, String host, String port) {}

  /**
   * What the trusted chain says; each part is empty when nobody trusted said it.
   *
   * @param secure present when a scheme was forwarded: whether it is https
   */
  record Origin(Optional<InetAddress> client, int clientPort, Optional<Boolean> secure,
      Optional<String> host, OptionalInt port) {}

  /**
   * @param peer the address the connection came from
   * @return the forwarded origin, or empty when the peer is not trusted (nothing changes)
   */
  static Optional<Origin> walk(InetAddress peer, Headers headers, List<AddressRange> trusted) {
    if (!trusts(trusted, peer)) {
      return Optional.empty();
    }
    if (headers.forwarded() != null) {
      return Optional.of(fromForwarded(headers.forwarded(), trusted));
    }
    if (headers.forwardedFor() == null && headers.proto() == null && headers.host() == null
        && headers.port() == null) {
      return Optional.empty();
    }
    return Optional.of(fromXForwarded(headers, trusted));
  }

  private static Origin fromForwarded(String value, List<AddressRange> trusted) {
    List<Element> elements = new ArrayList<>();
    for (String element : split(value)) {
      elements.add(Element.parse(element));
    }
    List<String> fors = elements.stream().map(e -> e.value("for")).toList();
    int index = clientIndex(fors, trusted);
    if (index < 0) {
      return new Origin(Optional.empty(), 0, Optional.empty(), Optional.empty(),
          OptionalInt.empty());
    }
    Element client = elements.get(index);
    Node node = Node.parse(client.value("for"));
    Optional<String> host = Optional.ofNullable(client.value("host"));
    return new Origin(node.address(), node.port(), scheme(client.value("proto")),
        host.flatMap(ForwardedWalk::hostPart), host.map(ForwardedWalk::portPart)
            .orElse(OptionalInt.empty()));
  }

  private static Origin fromXForwarded(Headers headers, List<AddressRange> trusted) {
    List<String> fors = headers.forwardedFor() == null ? List.of() : split(headers.forwardedFor());
    int index = clientIndex(fors, trusted);
    Optional<InetAddress> client = index < 0 ? Optional.empty()
        : Node.parse(fors.get(index)).address();
    Optional<String> proto = aligned(headers.proto(), fors.size(), index);
    Optional<String> host = aligned(headers.host(), fors.size(), index);
    OptionalInt port = aligned(headers.port(), fors.size(), index).map(ForwardedWalk::portNumber)
        .orElse(OptionalInt.empty());
    if (port.isEmpty()) {
      port = host.map(ForwardedWalk::portPart).orElse(OptionalInt.empty());
    }
    return new Origin(client, 0, proto.flatMap(ForwardedWalk::scheme),
        host.flatMap(ForwardedWalk::hostPart), port);
  }

  /** @return the index of the client in {@code hops}, or -1 when no usable hop was found */
  private static int clientIndex(List<String> hops, List<AddressRange> trusted) {
    int client = -1;
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<InetAddress> address = hops.get(i) == null ? Optional.empty()
          : Node.parse(hops.get(i)).address();
      if (address.isEmpty()) {
        return client;
      }
      client = i;
      if (!trusts(trusted, address.get())) {
        return i;
      }
    }
    return client;
  }

  private static Optional<String> aligned(String header, int hops, int index) {
    if (header == null) {
      return Optional.empty();
    }
    List<String> values = split(header);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(values.size() == hops && index >= 0 ? values.get(index)
        : values.get(values.size() - 1));
  }

  /** @return whether {@code address} is in one of the {@code trusted} ranges */
  static boolean trusts(List<AddressRange> trusted, InetAddress address) {
    return trusted.stream().anyMatch(range -> range.contains(address));
  }

  private static Optional<Boolean> scheme(String proto) {
    if (proto == null) {
      return Optional.empty();
    }
    String scheme = proto.trim().toLowerCase(Locale.ROOT);
    return scheme.equals("https") ? Optional.of(true)
        : scheme.equals("http") ? Optional.of(false) : Optional.empty();
  }

  private static Optional<String> hostPart(String hostPort) {
    String text = hostPort.trim();
    int colon = text.lastIndexOf(':');
    if (colon > 0 && text.indexOf(']') < colon) {
      text = text.substring(0, colon);
    }
    return HOST.matcher(text).matches() ? Optional.of(text) : Optional.empty();
  }

  private static OptionalInt portPart(String hostPort) {
    String text = hostPort.trim();
    int colon = text.lastIndexOf(':');
    return colon > 0 && text.indexOf(']') < colon ? portNumber(text.substring(colon + 1))
        : OptionalInt.empty();
  }

  private static OptionalInt portNumber(String text) {
    String digits = text.trim();
    if (!digits.matches("[0-9]{1,5}")) {
      return OptionalInt.empty();
    }
    int port = Integer.parseInt(digits);
    return port >= 1 && port <= 65535 ? OptionalInt.of(port) : OptionalInt.empty();
  }

  private static List<String> split(String header) {
    List<String> out = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        out.add(part.toString().trim());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    out.add(part.toString().trim());
    out.removeIf(String::isEmpty);
    return out;
  }

  /** One {@code Forwarded} element: {@code for=...;proto=...;host=...}. */
  private record Element(List<String[]> pairs) {

    static Element parse(String text) {
      List<String[]> pairs = new ArrayList<>();
      for (String pair : text.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          String value = pair.substring(eq + 1).trim();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          pairs.add(new String[] {pair.substring(0, eq).trim().toLowerCase(Locale.ROOT), value});
        }
      }
      return new Element(pairs);
    }

    String value(String name) {
      for (String[] pair : pairs) {
        if (pair[0].equals(name)) {
          return pair[1];
        }
      }
      return null;
    }
  }

  /** A node: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}. */
  private record Node(Optional<InetAddress> address, int port) {

    static Node parse(String text) {
      String node = text.trim();
      if (node.length() >= 2 && node.startsWith("\"") && node.endsWith("\"")) {
        node = node.substring(1, node.length() - 1);
      }
      int port = 0;
      if (node.startsWith("[")) {
        int close = node.indexOf(']');
        if (close < 0) {
          return new Node(Optional.empty(), 0);
        }
        port = node.startsWith(":", close + 1) ? portNumber(node.substring(close + 2)).orElse(0) : 0;
        node = node.substring(1, close);
      } else if (node.indexOf(':') > 0 && node.indexOf(':') == node.lastIndexOf(':')) {
        port = portNumber(node.substring(node.indexOf(':') + 1)).orElse(0);
        node = node.substring(0, node.indexOf(':'));
      }
      return new Node(literal(node), port);
    }

    private static Optional<InetAddress> literal(String text) {
      if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
        return Optional.empty();
      }
      try {
        // A literal address: nothing is looked up.
        return Optional.of(InetAddress.getByName(text));
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
  }
}
