package io.cgiguard.http;

import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * The one line that says why a listener could not listen: which listener, on which address, and
 * the kernel's reason in words an operator can act on. Jetty wraps every bind failure in an
 * {@code IOException} of its own whose text ("Failed to bind to ...") says neither.
 */
final class ListenFailure {

  /** Below this port, Linux lets only root or CAP_NET_BIND_SERVICE listen. */
  private static final int FIRST_UNPRIVILEGED_PORT = 1024;

  private ListenFailure() {}

  /**
   * @param listener {@code ""} for the HTTP listener, else the protocol, such as {@code "HTTPS"}
   * @param address {@code host:port} as configured, or {@code unix:/path}
   * @param port the configured port, or -1 for a Unix socket
   */
  static BindException of(String listener, String address, int port, Throwable failure) {
    return new BindException("cannot listen " + (listener.isEmpty() ? "" : "for " + listener + " ")
        + "on " + address + ": " + reason(failure, port));
  }

  /** @return {@code host:port}, with an IPv6 address in brackets */
  static String address(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  static String reason(Throwable failure, int port) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
        return "the address is neither an IP address nor a host name this machine can resolve";
      }
      if (cause instanceof BindException bind && bind.getMessage() != null) {
        String text = bind.getMessage().toLowerCase(Locale.ROOT);
        if (text.contains("already in use")) {
          return "the address is already in use";
        }
        if (text.contains("permission denied")) {
          return port > 0 && port < FIRST_UNPRIVILEGED_PORT
              ? "permission denied: a port below 1024 needs root or CAP_NET_BIND_SERVICE"
              : "permission denied";
        }
        if (text.contains("cannot assign requested address")) {
          return "the address is not one of this machine's";
        }
      }
    }
    Throwable innermost = failure;
    while (innermost.getCause() != null) {
      innermost = innermost.getCause();
    }
    return innermost.getMessage() != null ? innermost.getMessage() : innermost.toString();
  }
}
