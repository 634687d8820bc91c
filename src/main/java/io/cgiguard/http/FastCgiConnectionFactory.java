package io.cgiguard.http;

import io.cgiguard.config.GatewayConfig;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;

/** Makes a {@link FastCgiConnection} for every connection a front server opens. */
final class FastCgiConnectionFactory extends AbstractConnectionFactory {

  private final HttpConfiguration http;
  private final GatewayConfig.FastCgi settings;
  private final FastCgiConnection.Shared shared;

  FastCgiConnectionFactory(HttpConfiguration http, GatewayConfig.FastCgi settings,
      FastCgiConnection.Shared shared) {
    super("fcgi/1.0");
    this.http = http;
    this.settings = settings;
    this.shared = shared;
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    return configure(new FastCgiConnection(connector, http, endPoint, settings.maxParamsBytes(),
        settings.maxConnections(), settings.scriptFrom() == GatewayConfig.ScriptFrom.PARAMS,
        shared), connector, endPoint);
  }

  /** @return who a TCP listener takes connections from, as the configuration writes it */
  String clients() {
    return shared.clients().describe();
  }
}
