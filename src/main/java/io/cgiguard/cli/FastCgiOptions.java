package io.cgiguard.cli;

import io.cgiguard.config.GatewayConfig;
import java.util.Optional;

/** {@code serve --fastcgi ADDR [--fastcgi-only]} over the {@code [fastcgi]} section. */
final class FastCgiOptions {

  private FastCgiOptions() {}

  static GatewayConfig apply(GatewayConfig config, String address, boolean only) {
    GatewayConfig.FastCgi f = config.fastcgi();
    Optional<GatewayConfig.Listen> listen = f.listen();
    if (address != null) {
      try {
        listen = Optional.of(GatewayConfig.Listen.parse(address));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--fastcgi: " + e.getMessage());
      }
    }
    if (only && listen.isEmpty()) {
      throw new UsageException("--fastcgi-only needs a FastCGI address: --fastcgi ADDR or "
          + "[fastcgi] listen");
    }
    return Configs.withFastCgi(config, new GatewayConfig.FastCgi(listen, f.http() && !only,
        f.scriptFrom(), f.allowedRoots(), f.socketOwner(), f.socketGroup(), f.socketMode(),
        f.maxConnections(), f.maxParamsBytes(), f.allowedClients()));
  }
}
