package io.cgiguard.cli;

import io.cgiguard.config.FrontDoor;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.config.TlsKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s TLS flags, the same as {@code [tls]}: given, they replace that table. The
 * password is read from a file so that it never shows in the process list.
 */
final class TlsOptions {

  @Option(names = "--tls-port", paramLabel = "P",
      description = "Also listen with TLS on P (HTTP/2 and HTTP/1.1 by ALPN; 0: any free port).")
  Integer port;

  @Option(names = "--certificate", paramLabel = "FILE",
      description = "TLS certificate: a PEM chain (leaf first) or a PKCS#12 file.")
  Path certificate;

  @Option(names = "--private-key", paramLabel = "FILE",
      description = "PEM (PKCS#8) private key of a PEM certificate chain.")
  Path privateKey;

  @Option(names = "--certificate-password-file", paramLabel = "FILE",
      description = "File whose first line is the PKCS#12 password.")
  Path passwordFile;

  /**
   * @return {@code config} with the flags' TLS listener, checked as {@code [tls]} would be; the
   *     files are read once, at start: a reload runs as the gateway's user, who should not read a
   *     root-only key, and the flags cannot have changed since
   */
  GatewayConfig apply(GatewayConfig config) {
    if (port == null && certificate == null && privateKey == null && passwordFile == null) {
      return config;
    }
    if (applied != null) {
      return Configs.withFrontDoor(config, config.frontDoor().withTls(Optional.of(applied)));
    }
    if (certificate == null) {
      throw new UsageException("--tls-port, --private-key and --certificate-password-file need "
          + "--certificate");
    }
    int tlsPort = port != null ? port
        : config.frontDoor().tls().map(FrontDoor.Tls::port).orElse(8443);
    if (tlsPort < 0 || tlsPort > 65535) {
      throw new UsageException("--tls-port must be from 0 to 65535 (got " + tlsPort + ")");
    }
    FrontDoor.Tls tls = new FrontDoor.Tls(tlsPort, certificate.toAbsolutePath(),
        Optional.ofNullable(privateKey).map(Path::toAbsolutePath), password());
    try {
      boolean pem = TlsKeys.isPem(tls.certificate());
      if (pem != tls.privateKey().isPresent()) {
        throw new UsageException(pem ? "--private-key is required with a PEM certificate chain"
            : "--private-key goes with a PEM certificate chain only, not with PKCS#12");
      }
      TlsKeys.load(tls);
    } catch (IOException e) {
      throw new UsageException("cannot read " + certificate + ": " + e.getMessage());
    } catch (TlsKeys.TlsKeyException e) {
      throw new UsageException(e.getMessage());
    }
    applied = tls;
    return Configs.withFrontDoor(config, config.frontDoor().withTls(Optional.of(tls)));
  }

  /** The listener the flags gave at start, once read and checked. */
  private FrontDoor.Tls applied;

  private Optional<String> password() {
    if (passwordFile == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream()
          .findFirst().orElse(""));
    } catch (IOException e) {
      throw new UsageException("cannot read the password file " + passwordFile);
    }
  }
}
