package io.cgiguard.http;

import io.cgiguard.config.AddressRange;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code [fastcgi] allowed-clients}: which peers a TCP FastCGI listener talks to, as the
 * specification's {@code FCGI_WEB_SERVER_ADDRS} has it. FastCGI carries no credentials and the
 * front server's params become the script's meta-variables, so any other peer's connection is
 * closed before a record is read, and said in the log. A Unix socket's peers are not checked
 * here: its owner and mode decide who may connect. A reload's new list applies to the next
 * connection.
 */
final class FastCgiClients {

  private static final Logger LOG = LoggerFactory.getLogger(FastCgiClients.class);

  private final Supplier<List<AddressRange>> allowed;

  /** @param allowed the ranges of the configuration in force, read at each connection */
  FastCgiClients(Supplier<List<AddressRange>> allowed) {
    this.allowed = allowed;
  }

  /** @return whether a connection from {@code peer} may go on; logs the ones that may not */
  boolean admit(SocketAddress peer) {
    if (!(peer instanceof InetSocketAddress inet)) {
      return true;
    }
    List<AddressRange> now = allowed.get();
    if (inet.getAddress() != null
        && now.stream().anyMatch(range -> range.contains(inet.getAddress()))) {
      return true;
    }
    LOG.warn("FastCGI connection from {} closed: that address is not in [fastcgi] "
        + "allowed-clients ({})", inet.getHostString(), describe(now));
    return false;
  }

  /** @return the allowed ranges as the configuration writes them */
  String describe() {
    return describe(allowed.get());
  }

  private static String describe(List<AddressRange> ranges) {
    return ranges.isEmpty() ? "none"
        : ranges.stream().map(AddressRange::toString).collect(Collectors.joining(", "));
  }
}
