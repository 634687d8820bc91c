package io.cgiguard.http;

import io.cgiguard.config.FrontDoor;
import io.cgiguard.config.TlsKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The production-facing part of the Jetty assembly, on top of the plain connector that
 * {@link JettyAssembly} builds: the access log, the trusted-proxy customizer, h2c on the plain
 * port, and the TLS connector that offers HTTP/2 and HTTP/1.1 by ALPN.
 */
final class FrontDoorAssembly implements AutoCloseable {

  private final Optional<AccessLog> accessLog;
  private final Optional<ServerConnector> tls;

  private FrontDoorAssembly(Optional<AccessLog> accessLog, Optional<ServerConnector> tls) {
    this.accessLog = accessLog;
    this.tls = tls;
  }

  /** Adds the front door to {@code server}, whose first connector is the plain one. */
  static FrontDoorAssembly apply(Server server, FrontDoor settings) throws IOException {
    ServerConnector plain = (ServerConnector) server.getConnectors()[0];
    HttpConfiguration http = plain.getConnectionFactory(HttpConnectionFactory.class)
        .getHttpConfiguration();
    if (!settings.trustedProxies().isEmpty()) {
      http.addCustomizer(new TrustedProxies(settings.trustedProxies(),
          settings.forwardedHeader()));
    }
    if (settings.h2c()) {
      plain.addConnectionFactory(new HTTP2CServerConnectionFactory(http));
    }
    Optional<ServerConnector> tls = Optional.empty();
    if (settings.tls().isPresent()) {
      tls = Optional.of(tlsConnector(server, plain, http, settings.tls().get()));
      server.addConnector(tls.get());
    }
    Optional<AccessLog> log = Optional.empty();
    if (settings.accessLog().target().isPresent()) {
      Path target = settings.accessLog().target().get();
      AccessLogWriter writer = target.equals(FrontDoor.AccessLog.STDOUT) ? AccessLogWriter.stdout()
          : AccessLogWriter.file(target);
      log = Optional.of(new AccessLog(writer, settings.accessLog().format()));
      server.setRequestLog(log.get());
    }
    return new FrontDoorAssembly(log, tls);
  }

  private static ServerConnector tlsConnector(Server server, ServerConnector plain,
      HttpConfiguration http, FrontDoor.Tls settings) throws IOException {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    try {
      ssl.setKeyStore(TlsKeys.load(settings));
    } catch (TlsKeys.TlsKeyException e) {
      throw new IOException("[tls] " + e.key() + ": " + e.getMessage(), e);
    }
    ssl.setKeyStorePassword(new String(TlsKeys.ENTRY_PASSWORD));
    ssl.setCertAlias(TlsKeys.ALIAS);
    ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // The certificate's names are the client's business; a request by IP address still works.
    secure.setSniHostCheck(false);
    // TLS facts first, so that a trusted proxy's headers are judged on top of them.
    java.util.List<HttpConfiguration.Customizer> customizers = new java.util.ArrayList<>();
    customizers.add(secure);
    customizers.addAll(http.getCustomizers());
    https.setCustomizers(customizers);
    HttpConnectionFactory http11 = new HttpConnectionFactory(https);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
    alpn.setDefaultProtocol(http11.getProtocol());
    ServerConnector connector = new GuardedConnector(server, false,
        new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http11);
    connector.setHost(plain.getHost());
    connector.setPort(settings.port());
    connector.setIdleTimeout(plain.getIdleTimeout());
    connector.setAcceptQueueSize(plain.getAcceptQueueSize());
    HeadReadDeadline deadline = server.getBean(HeadReadDeadline.class);
    if (deadline != null) {
      connector.addEventListener(deadline);
    }
    return connector;
  }

  /** @return the TLS port (the real one when configured as 0), when TLS is on */
  Optional<Integer> tlsPort() {
    return tls.map(ServerConnector::getLocalPort);
  }

  /** @return whether {@code connector} is the TLS listener */
  boolean isTls(org.eclipse.jetty.server.Connector connector) {
    return tls.isPresent() && tls.get() == connector;
  }

  /** Opens the access log file again by name; nothing to do for standard output. */
  void reopenAccessLog() throws IOException {
    if (accessLog.isPresent()) {
      accessLog.get().reopen();
    }
  }

  @Override
  public void close() throws IOException {
    if (accessLog.isPresent()) {
      accessLog.get().close();
    }
  }
}
