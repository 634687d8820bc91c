package io.cgiguard.cli;

import io.cgiguard.config.FrontDoor;
import io.cgiguard.config.GatewayConfig;
import java.util.List;

/** Copies of a configuration with one part replaced, for command-line overrides. */
final class Configs {

  private Configs() {}

  static GatewayConfig withMounts(GatewayConfig c, List<GatewayConfig.Mount> mounts) {
    return new GatewayConfig(c.source(), c.server(), mounts, c.interpreters(), c.environment(),
        c.restrictions(), c.arguments(), c.timeouts(), c.limits(), c.concurrency(), c.retry(),
        c.circuit(), c.request(), c.response(), c.diagnostics(), c.admin(), c.site(),
        c.frontDoor(), c.fastcgi());
  }

  static GatewayConfig withFrontDoor(GatewayConfig c, FrontDoor frontDoor) {
    return new GatewayConfig(c.source(), c.server(), c.mounts(), c.interpreters(), c.environment(),
        c.restrictions(), c.arguments(), c.timeouts(), c.limits(), c.concurrency(), c.retry(),
        c.circuit(), c.request(), c.response(), c.diagnostics(), c.admin(), c.site(), frontDoor,
        c.fastcgi());
  }

  static GatewayConfig withFastCgi(GatewayConfig c, GatewayConfig.FastCgi fastcgi) {
    return new GatewayConfig(c.source(), c.server(), c.mounts(), c.interpreters(), c.environment(),
        c.restrictions(), c.arguments(), c.timeouts(), c.limits(), c.concurrency(), c.retry(),
        c.circuit(), c.request(), c.response(), c.diagnostics(), c.admin(), c.site(),
        c.frontDoor(), fastcgi);
  }

  static GatewayConfig withServer(GatewayConfig c, GatewayConfig.Server server) {
    return new GatewayConfig(c.source(), server, c.mounts(), c.interpreters(), c.environment(),
        c.restrictions(), c.arguments(), c.timeouts(), c.limits(), c.concurrency(), c.retry(),
        c.circuit(), c.request(), c.response(), c.diagnostics(), c.admin(), c.site(),
        c.frontDoor(), c.fastcgi());
  }
}
