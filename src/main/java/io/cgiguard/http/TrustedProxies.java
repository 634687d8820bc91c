package io.cgiguard.http;

import io.cgiguard.config.AddressRange;
import io.cgiguard.config.FrontDoor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.HostPort;

/**
 * {@code [server] trusted-proxies}: a request whose connection comes from a trusted proxy gets
 * the client address, scheme, host and port its forwarding headers give ({@link ForwardedWalk});
 * from anyone else those headers change nothing. Only the kind of header the proxies write
 * ({@code [server] forwarded-header}) is read: the other kind reaches the gateway as the client
 * wrote it. Jetty's {@code ForwardedRequestCustomizer} believes every peer and the leftmost hop,
 * which any client can write, so it is not used.
 */
final class TrustedProxies implements HttpConfiguration.Customizer {

  /**
   * Set on a request whose connection comes from a trusted proxy: what it says of the request
   * (its X-Request-Id, for one) may be believed.
   */
  static final String FROM_TRUSTED_PROXY = TrustedProxies.class.getName() + ".trusted";

  private final List<AddressRange> trusted;
  private final FrontDoor.ForwardedHeader header;

  TrustedProxies(List<AddressRange> trusted, FrontDoor.ForwardedHeader header) {
    this.trusted = List.copyOf(trusted);
    this.header = header;
  }

  @Override
  public Request customize(Request request, HttpFields.Mutable responseHeaders) {
    SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
    if (!(remote instanceof InetSocketAddress peer) || peer.getAddress() == null) {
      return request;
    }
    if (ForwardedWalk.trusts(trusted, peer.getAddress())) {
      request.setAttribute(FROM_TRUSTED_PROXY, Boolean.TRUE);
    }
    HttpFields fields = request.getHeaders();
    ForwardedWalk.Headers headers = header == FrontDoor.ForwardedHeader.FORWARDED
        ? new ForwardedWalk.Headers(joined(fields, HttpHeader.FORWARDED), null, null, null, null)
        : new ForwardedWalk.Headers(null, joined(fields, HttpHeader.X_FORWARDED_FOR),
            joined(fields, HttpHeader.X_FORWARDED_PROTO),
            joined(fields, HttpHeader.X_FORWARDED_HOST),
            joined(fields, HttpHeader.X_FORWARDED_PORT));
    return ForwardedWalk.walk(peer.getAddress(), headers, trusted)
        .<Request>map(origin -> new Forwarded(request, origin)).orElse(request);
  }

  private static String joined(HttpFields fields, HttpHeader header) {
    List<String> values = fields.getValuesList(header);
    return values.isEmpty() ? null : String.join(",", values);
  }

  /** The request as the client sent it to the first trusted proxy. */
  private static final class Forwarded extends Request.Wrapper {
    private final HttpURI uri;
    private final HttpFields headers;
    private final ConnectionMetaData metaData;

    Forwarded(Request request, ForwardedWalk.Origin origin) {
      super(request);
      HttpURI original = request.getHttpURI();
      boolean secure = origin.secure().orElse(request.isSecure());
      HttpURI.Mutable uri = HttpURI.build(original);
      HttpFields fields = request.getHeaders();
      if (origin.secure().isPresent()) {
        uri.scheme(secure ? HttpScheme.HTTPS : HttpScheme.HTTP);
      }
      if (origin.secure().isPresent() || origin.host().isPresent() || origin.port().isPresent()) {
        // An explicit port: else Jetty would fall back to the port of the local socket.
        int defaultPort = secure ? 443 : 80;
        int port = origin.port().orElse(origin.host().isPresent() ? defaultPort
            : original.getPort() > 0 ? original.getPort() : defaultPort);
        String host = origin.host().orElse(Request.getServerName(request));
        uri.authority(host, port);
        // Jetty refuses a request whose Host disagrees with its URI's authority.
        fields = HttpFields.build(fields).put(HttpHeader.HOST, new HostPort(host, port).toString())
            .asImmutable();
      }
      this.headers = fields;
      this.uri = uri.asImmutable();
      Optional<SocketAddress> client = origin.client()
          .map((InetAddress a) -> new InetSocketAddress(a, origin.clientPort()));
      this.metaData = new ConnectionMetaData.Wrapper(request.getConnectionMetaData()) {
        @Override
        public boolean isSecure() {
          return secure;
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
          return client.orElseGet(super::getRemoteSocketAddress);
        }
      };
    }

    @Override
    public HttpURI getHttpURI() {
      return uri;
    }

    @Override
    public HttpFields getHeaders() {
      return headers;
    }

    @Override
    public boolean isSecure() {
      return metaData.isSecure();
    }

    @Override
    public ConnectionMetaData getConnectionMetaData() {
      return metaData;
    }
  }
}
