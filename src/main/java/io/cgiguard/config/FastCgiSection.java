package io.cgiguard.config;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reads {@code [fastcgi]}: the FastCGI listener, how it picks scripts, and its socket. */
final class FastCgiSection {

  private FastCgiSection() {}

  static GatewayConfig.FastCgi read(Table t) {
    Optional<GatewayConfig.Listen> listen = Optional.empty();
    if (t.has("listen")) {
      try {
        listen = Optional.of(GatewayConfig.Listen.parse(t.string("listen", "")));
      } catch (IllegalArgumentException e) {
        t.problem("listen", e.getMessage());
      }
    }
    GatewayConfig.ScriptFrom from = scriptFrom(t);
    List<Path> roots = new ArrayList<>();
    for (String root : t.strings("allowed-roots", List.of())) {
      if (!root.startsWith("/")) {
        t.problem("allowed-roots", "'" + root + "' must be an absolute path");
      }
      roots.add(Path.of(root).normalize());
    }
    if (from == GatewayConfig.ScriptFrom.PARAMS && roots.isEmpty()) {
      t.problem("script-from", "script-from = \"params\" needs allowed-roots: the directories "
          + "whose scripts the front server may name");
    }
    var fastcgi = new GatewayConfig.FastCgi(listen, t.bool("http", true), from, List.copyOf(roots),
        optional(t, "socket-owner"), optional(t, "socket-group"), mode(t),
        t.integer("max-connections", 256, 1, 100_000),
        (int) t.bytes("max-params-bytes", "64KiB", 1024, 1024 * 1024),
        ConfigLoader.ranges(t, "allowed-clients", GatewayConfig.FastCgi.LOOPBACK));
    if (!fastcgi.http() && listen.isEmpty()) {
      t.problem("http", "http = false needs a FastCGI listen address, or nothing would listen");
    }
    t.rejectUnknown();
    return fastcgi;
  }

  private static GatewayConfig.ScriptFrom scriptFrom(Table t) {
    String text = t.string("script-from", "mounts");
    try {
      return GatewayConfig.ScriptFrom.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      t.problem("script-from", "'" + text + "' is neither \"mounts\" nor \"params\"");
      return GatewayConfig.ScriptFrom.MOUNTS;
    }
  }

  private static Optional<String> optional(Table t, String key) {
    return t.has(key) ? Optional.of(t.string(key, "")) : Optional.empty();
  }

  private static Set<PosixFilePermission> mode(Table t) {
    String text = t.string("socket-mode", "0660");
    if (!text.matches("0?[0-7]{3}")) {
      t.problem("socket-mode", "'" + text + "' is not an octal mode such as \"0660\"");
      return PosixFilePermissions.fromString("rw-rw----");
    }
    int bits = Integer.parseInt(text, 8);
    StringBuilder symbolic = new StringBuilder();
    String letters = "rwx";
    for (int i = 8; i >= 0; i--) {
      symbolic.append((bits & (1 << i)) != 0 ? letters.charAt((8 - i) % 3) : '-');
    }
    return PosixFilePermissions.fromString(symbolic.toString());
  }
}
