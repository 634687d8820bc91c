package io.cgiguard.http;

import io.cgiguard.config.GatewayConfig;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;

/** Makes a {@link FastCgiConnection} for every connection a front server opens. */
final class FastCgiConnectionFactory extends AbstractConnectionFactory {

  private final HttpConfiguration http;
  private final GatewayConfig.FastCgi settings;
  private final AtomicInteger inFlight;
  private final FastCgiClients clients;

  FastCgiConnectionFactory(HttpConfiguration http, GatewayConfig.FastCgi settings,
      AtomicInteger inFlight, FastCgiClients clients) {
    super("fcgi/1.0");
    this.http = http;
    this.settings = settings;
    this.inFlight = inFlight;
    this.clients = clients;
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    return configure(new FastCgiConnection(connector, http, endPoint, settings.maxParamsBytes(),
        settings.maxConnections(), settings.scriptFrom() == GatewayConfig.ScriptFrom.PARAMS,
        inFlight, clients), connector, endPoint);
  }

  /** @return who a TCP listener takes connections from, as the configuration writes it */
  String clients() {
    return clients.describe();
  }
}
