package io.cgiguard.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What faces the network in production: the access log, the proxies whose forwarding headers are
 * believed, and TLS with HTTP/2. Read from {@code [server]} and {@code [tls]} by
 * {@link FrontDoorReader}.
 *
 * @param accessLog where and how every request is logged
 * @param trustedProxies peers whose forwarding headers are used; empty (the default) means
 *     nobody's are
 * @param forwardedHeader which forwarding headers those proxies write, the only ones read
 * @param h2c whether the plain port also speaks HTTP/2 with prior knowledge or Upgrade
 * @param tls the TLS listener, when configured
 */
public record FrontDoor(AccessLog accessLog, List<AddressRange> trustedProxies,
    ForwardedHeader forwardedHeader, boolean h2c, Optional<Tls> tls) {

  public FrontDoor {
    trustedProxies = List.copyOf(trustedProxies);
  }

  /** The built-in default: combined access log to standard output, no proxy trusted, no TLS. */
  public static FrontDoor defaults() {
    return new FrontDoor(new AccessLog(Optional.of(AccessLog.STDOUT), AccessLog.Format.COMBINED),
        List.of(), ForwardedHeader.X_FORWARDED_FOR, false, Optional.empty());
  }

  /** @return a copy with {@code tls} as the TLS listener */
  public FrontDoor withTls(Optional<Tls> replacement) {
    return new FrontDoor(accessLog, trustedProxies, forwardedHeader, h2c, replacement);
  }

  /**
   * {@code [server] forwarded-header}: the forwarding headers the trusted proxies write. Only
   * those are read, because a proxy passes on the other kind as the client wrote it: nginx with
   * {@code proxy_add_x_forwarded_for} forwards a client's own {@code Forwarded: for=127.0.0.1}
   * untouched, and reading it would let the client choose its address.
   */
  public enum ForwardedHeader {
    /** {@code X-Forwarded-For}, with {@code X-Forwarded-Proto}, {@code -Host}, {@code -Port}. */
    X_FORWARDED_FOR("x-forwarded-for"),
    /** {@code Forwarded} (RFC 7239). */
    FORWARDED("forwarded");

    private final String label;

    ForwardedHeader(String label) {
      this.label = label;
    }

    /** @return the value that names it in the configuration */
    public String label() {
      return label;
    }
  }

  /**
   * {@code [server] access-log} and {@code access-log-format}.
   *
   * @param target {@link #STDOUT} or a file; empty when the log is off
   */
  public record AccessLog(Optional<Path> target, Format format) {

    /** Stands for standard output among the targets. */
    public static final Path STDOUT = Path.of("-");

    /** The line formats. */
    public enum Format {
      /** Apache's combined format, then the gateway's own fields as {@code key=value}. */
      COMBINED("combined"),
      /** One JSON object per line. */
      JSON("json");

      private final String label;

      Format(String label) {
        this.label = label;
      }

      public String label() {
        return label;
      }
    }
  }

  /**
   * {@code [tls]}: a second listener that speaks TLS, with HTTP/2 chosen by ALPN.
   *
   * @param port the TLS port (0: any free port)
   * @param certificate a PEM file with the certificate chain, leaf first, or a PKCS#12 store
   * @param privateKey the PEM private key (PKCS#8) that goes with a PEM chain
   * @param password the PKCS#12 store's password
   */
  public record Tls(int port, Path certificate, Optional<Path> privateKey, Optional<String> password) {

    /** @return whether the certificate is a PKCS#12 store rather than a PEM chain */
    public boolean pkcs12() {
      return privateKey.isEmpty();
    }
  }
}
