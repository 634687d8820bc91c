package io.cgiguard.http;

import io.cgiguard.config.GatewayConfig;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

/** Assembles the FastCGI side of a gateway from {@code [fastcgi]}, for {@link GatewayServer}. */
final class FastCgiScripts {

  private static final List<String> ALL_METHODS = List.of("GET", "HEAD", "POST", "PUT",
      "DELETE", "OPTIONS", "PATCH");

  private FastCgiScripts() {}

  /**
   * fcgiwrap mode: the scripts under the allowed roots run like those of a mount with no handler
   * mappings, whose only URL is the one the front server gives.
   */
  static NamedScripts named(GatewayConfig config, GatewayParts parts,
      CgiHandler.Redirects redirects, MountFiles files) throws IOException {
    List<java.nio.file.Path> roots = config.fastcgi().allowedRoots();
    GatewayConfig.Mount named = new GatewayConfig.Mount("/", roots.get(0), false, false,
        new LinkedHashSet<>(ALL_METHODS), List.of());
    return new NamedScripts(roots, new CgiHandler(named, JettyAssembly.realDirectory(roots.get(0)),
        parts, redirects, files), parts.pages());
  }

  /**
   * Adds the FastCGI listener when one is configured, and takes the HTTP listener away when
   * {@code [fastcgi] http = false}. The HTTP connector, when kept, stays the first.
   */
  static Optional<FastCgiListener> listener(Server server, GatewayConfig config,
      java.util.function.Supplier<List<io.cgiguard.config.AddressRange>> allowedClients) {
    if (config.fastcgi().listen().isEmpty()) {
      return Optional.empty();
    }
    if (!config.fastcgi().http()) {
      server.setConnectors(new Connector[0]);
    }
    return Optional.of(FastCgiListener.attach(server, config.fastcgi(),
        config.server().idleTimeout(), allowedClients));
  }
}
