package io.cgiguard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the production-facing keys: {@code access-log}, {@code access-log-format},
 * {@code trusted-proxies}, {@code forwarded-header} and {@code h2c} of {@code [server]}, and the
 * {@code [tls]} table.
 */
final class FrontDoorReader {

  private FrontDoorReader() {}

  /**
   * @param server the {@code [server]} table; the keys read here count as known in it
   * @param tls the {@code [tls]} table
   * @param path resolves a relative path the way every path of the configuration is resolved
   * @param readKeyMaterial whether the certificate and key are opened to be checked
   */
  static FrontDoor read(Table server, Table tls, boolean tlsPresent, Function<String, Path> path,
      boolean readKeyMaterial) {
    FrontDoor.AccessLog log = new FrontDoor.AccessLog(logTarget(server, path),
        logFormat(server));
    List<AddressRange> proxies = ConfigLoader.ranges(server, "trusted-proxies", List.of());
    FrontDoor.ForwardedHeader forwarded = forwardedHeader(server);
    boolean h2c = server.bool("h2c", false);
    Optional<FrontDoor.Tls> listener = tlsPresent ? Optional.of(tls(tls, path, readKeyMaterial))
        : Optional.empty();
    tls.rejectUnknown();
    return new FrontDoor(log, proxies, forwarded, h2c, listener);
  }

  private static FrontDoor.ForwardedHeader forwardedHeader(Table t) {
    String text = t.string("forwarded-header", FrontDoor.ForwardedHeader.X_FORWARDED_FOR.label())
        .toLowerCase(Locale.ROOT);
    for (FrontDoor.ForwardedHeader header : FrontDoor.ForwardedHeader.values()) {
      if (header.label().equals(text)) {
        return header;
      }
    }
    t.problem("forwarded-header", "must be \"x-forwarded-for\" or \"forwarded\", the headers "
        + "the trusted proxies write (got '" + text + "')");
    return FrontDoor.ForwardedHeader.X_FORWARDED_FOR;
  }

  private static Optional<Path> logTarget(Table t, Function<String, Path> path) {
    String text = t.string("access-log", "stdout");
    if (text.equals("off")) {
      return Optional.empty();
    }
    if (text.equals("stdout") || text.equals("-")) {
      return Optional.of(FrontDoor.AccessLog.STDOUT);
    }
    Path file = path.apply(text);
    Path dir = file.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      t.problem("access-log", "the directory of " + file + " does not exist (write \"stdout\", "
          + "\"off\" or a file in an existing directory)");
    } else if (Files.isDirectory(file)) {
      t.problem("access-log", file + " is a directory, not a file");
    }
    return Optional.of(file);
  }

  private static FrontDoor.AccessLog.Format logFormat(Table t) {
    String text = t.string("access-log-format", "combined").toLowerCase(Locale.ROOT);
    for (FrontDoor.AccessLog.Format format : FrontDoor.AccessLog.Format.values()) {
      if (format.label().equals(text)) {
        return format;
      }
    }
    t.problem("access-log-format", "must be \"combined\" or \"json\" (got '" + text + "')");
    return FrontDoor.AccessLog.Format.COMBINED;
  }

  private static FrontDoor.Tls tls(Table t, Function<String, Path> path, boolean readKeyMaterial) {
    int port = t.integer("port", 8443, 0, 65535);
    if (!t.has("certificate")) {
      t.problem("certificate", "is required: a PEM certificate chain or a PKCS#12 file");
    }
    Path certificate = path.apply(t.string("certificate", ""));
    Optional<Path> key = t.has("private-key") ? Optional.of(path.apply(t.string("private-key", "")))
        : Optional.empty();
    Optional<String> password = t.has("password") ? Optional.of(t.string("password", ""))
        : Optional.empty();
    FrontDoor.Tls tls = new FrontDoor.Tls(port, certificate, key, password);
    if (t.has("certificate") && readKeyMaterial) {
      check(t, tls);
    }
    return tls;
  }

  /** Opens the key material now, so that a bad file is a problem with a line, not a stack trace. */
  private static void check(Table t, FrontDoor.Tls tls) {
    for (Path file : tls.privateKey().map(k -> List.of(tls.certificate(), k))
        .orElse(List.of(tls.certificate()))) {
      if (!Files.isReadable(file)) {
        t.problem(file.equals(tls.certificate()) ? "certificate" : "private-key",
            "cannot read " + file);
        return;
      }
    }
    try {
      boolean pem = TlsKeys.isPem(tls.certificate());
      if (pem && tls.privateKey().isEmpty()) {
        t.problem("private-key", "is required with a PEM certificate chain");
        return;
      }
      if (!pem && tls.privateKey().isPresent()) {
        t.problem("private-key", "goes with a PEM certificate chain only; a PKCS#12 file "
            + "holds its own key (give its password instead)");
        return;
      }
      TlsKeys.load(tls);
    } catch (IOException e) {
      t.problem("certificate", "cannot read " + tls.certificate() + ": " + e.getMessage());
    } catch (TlsKeys.TlsKeyException e) {
      t.problem(e.key(), e.getMessage());
    }
  }
}
