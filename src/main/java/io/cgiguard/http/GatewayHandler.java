package io.cgiguard.http;

import io.cgiguard.cgi.RequestPath;
import io.cgiguard.cgi.ResponseHead;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's one entry point. In this order, for every request: give it an id, filter it, decode
 * its path once, then route it to the admin endpoints, a CGI mount, or the static files. Local
 * redirects from scripts come back through here, so they are filtered and routed like any request.
 */
final class GatewayHandler extends Handler.Abstract implements CgiHandler.Redirects {

  private static final String REDIRECT_DEPTH = "io.cgiguard.redirectDepth";

  private final RequestIds ids = new RequestIds();
  private final RequestFilter filter;
  private final GatewayPages pages;
  private final AdminHandler admin;
  private volatile List<CgiHandler> mounts = List.of();
  private volatile Optional<NamedScripts> namedScripts = Optional.empty();
  private final StaticFiles statics;
  private final Optional<DocrootFiles> docroot;
  private final LandingPage landing = new LandingPage();
  private final int maxRedirects;

  /**
   * @param docroot the document root's files; without one, only the built-in landing page is
   *     served at {@code /} and every other path no mount covers is 404
   */
  GatewayHandler(RequestFilter filter, GatewayPages pages, AdminHandler admin,
      StaticFiles statics, Optional<DocrootFiles> docroot, int maxRedirects) {
    super(InvocationType.BLOCKING);
    this.filter = filter;
    this.pages = pages;
    this.admin = admin;
    this.statics = statics;
    this.docroot = docroot;
    this.maxRedirects = maxRedirects;
    addBean(statics);
    addBean(landing);
  }

  @Override
  public void setServer(org.eclipse.jetty.server.Server server) {
    super.setServer(server);
    statics.setServer(server);
    landing.setServer(server);
  }

  /** Sets the CGI mounts; they are made after this handler, since they redirect through it. */
  void mount(List<CgiHandler> handlers) {
    // The longest prefix wins, whatever order the configuration lists the mounts in.
    this.mounts = handlers.stream().sorted(java.util.Comparator.comparingInt(
        (CgiHandler h) -> h.urlPrefix().length()).reversed()).toList();
  }

  /** FastCGI in fcgiwrap mode: requests whose front server names the script run that script. */
  void nameScripts(NamedScripts scripts) {
    this.namedScripts = Optional.of(scripts);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String requestId = requestId(request);
    request.setAttribute(AccessLog.REQUEST_ID, requestId);
    HttpURI uri = request.getHttpURI();
    String rawPath = uri.getPath() == null ? "/" : uri.getPath();
    Optional<RequestFilter.Rejection> rejection = filter.checkHead(rawPath, uri.getQuery(),
        request.getHeaders().size(), headerBytes(request.getHeaders()), request.getLength());
    if (rejection.isPresent()) {
      pages.refuse(request, response, callback, requestId, rejection.get().status(),
          rejection.get().reason());
      return true;
    }
    Optional<String> coding = unsupportedCoding(request.getHeaders());
    if (coding.isPresent()) {
      pages.refuse(request, response, callback, requestId, 501, coding.get());
      return true;
    }
    if (rawPath.equals("*") && HttpMethod.OPTIONS.is(request.getMethod())) {
      serverOptions(response, callback, requestId);
      return true;
    }
    RequestPath path = RequestPath.decode(rawPath);
    if (path instanceof RequestPath.Rejected rejected) {
      pages.refuse(request, response, callback, requestId, 400, rejected.reason());
      return true;
    }
    RequestPath.Decoded decoded = (RequestPath.Decoded) path;
    rejection = filter.checkDecoded(decoded);
    if (rejection.isPresent()) {
      pages.refuse(request, response, callback, requestId, rejection.get().status(),
          rejection.get().reason());
      return true;
    }
    route(request, response, callback, requestId, decoded);
    return true;
  }

  /**
   * {@code OPTIONS *} asks what the server as a whole supports (RFC 9110 section 9.3.7), as a
   * front server's or a client's probe does: the methods some part of the gateway serves, no body.
   */
  private static void serverOptions(Response response, Callback callback, String requestId) {
    response.setStatus(200);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(GatewayPages.REQUEST_ID, requestId);
    headers.put(HttpHeader.ALLOW, "GET, HEAD, POST, OPTIONS");
    headers.put(HttpHeader.CONTENT_LENGTH, 0);
    response.write(true, null, callback);
  }

  private void route(Request request, Response response, Callback callback, String requestId,
      RequestPath.Decoded path) throws Exception {
    Optional<FastCgiParams> fastCgi = FastCgiParams.of(request);
    if (fastCgi.isPresent() && fastCgi.get().namesScript() && namedScripts.isPresent()) {
      namedScripts.get().handle(request, response, callback, requestId, fastCgi.get());
      return;
    }
    String decodedPath = path.decodedPath();
    if (decodedPath.startsWith(AdminHandler.PREFIX)) {
      admin.handle(request, response, callback, requestId, decodedPath);
      return;
    }
    for (CgiHandler mount : mounts) {
      String prefix = mount.urlPrefix();
      if (mount.covers(decodedPath)) {
        int depth = prefix.split("/", -1).length - 2;
        List<String> below = path.segments().subList(Math.min(depth, path.segments().size()),
            path.segments().size());
        mount.handle(request, response, callback, requestId, below);
        return;
      }
    }
    if (docroot.isPresent()) {
      docroot.get().serve(request, response, callback, requestId, path);
      return;
    }
    response.getHeaders().put(GatewayPages.REQUEST_ID, requestId);
    if (!landing.handle(request, response, callback)) {
      pages.refuse(request, response, callback, requestId, 404, "no such file");
    }
  }

  /**
   * @return the id of the request: the X-Request-Id a trusted proxy sent, so that one id follows
   *     the request through both logs, or a new one; a client's own is never taken, since it
   *     could make its requests look like someone else's in the logs
   */
  private String requestId(Request request) {
    boolean trusted = Boolean.TRUE.equals(request.getAttribute(TrustedProxies.FROM_TRUSTED_PROXY));
    return ids.next(trusted ? request.getHeaders().get(GatewayPages.REQUEST_ID) : null);
  }

  @Override
  public boolean dispatch(Request request, Response response, Callback callback, String location,
      ResponseHead head) throws Exception {
    Object seen = request.getAttribute(REDIRECT_DEPTH);
    int depth = seen instanceof Integer n ? n : 0;
    String requestId = requestId(request);
    if (depth >= maxRedirects) {
      pages.refuse(request, response, callback, requestId, 502, "the script's local redirects "
          + "went more than " + maxRedirects + " deep");
      return true;
    }
    HttpURI target = HttpURI.build(request.getHttpURI()).pathQuery(location).asImmutable();
    Request redirected = new LocalRedirect(request, target);
    redirected.setAttribute(REDIRECT_DEPTH, depth + 1);
    return handle(redirected, response, callback);
  }

  @Override
  public Optional<String> unusable(Request request, String location) {
    String why = "the script's local redirect (a Location path without a Status) names no path "
        + "the gateway can serve: it cannot be parsed or decoded, or it climbs above the root";
    try {
      HttpURI target = HttpURI.build(request.getHttpURI()).pathQuery(location).asImmutable();
      String rawPath = target.getPath();
      if (rawPath == null || target.getDecodedPath() == null
          || RequestPath.decode(rawPath) instanceof RequestPath.Rejected) {
        return Optional.of(why);
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      // Jetty's "Bad URI", or a bad percent escape (NumberFormatException is one of these).
      return Optional.of(why);
    }
  }

  /**
   * @return why the request's body cannot be taken: a transfer coding other than chunked
   *     ({@code gzip, chunked}), which Jetty would pass on still coded and the script could not
   *     tell from the body itself. RFC 9112 section 6.1: a server answers 501 for a transfer
   *     coding it does not understand.
   */
  private static Optional<String> unsupportedCoding(HttpFields headers) {
    for (HttpField field : headers.getFields(HttpHeader.TRANSFER_ENCODING)) {
      for (String coding : field.getValue().split(",", -1)) {
        String name = coding.strip();
        if (!name.equalsIgnoreCase("chunked")) {
          return Optional.of("the request's transfer coding is not supported: only chunked is");
        }
      }
    }
    return Optional.empty();
  }

  private static long headerBytes(HttpFields fields) {
    long total = 0;
    for (HttpField field : fields) {
      total += field.getName().length() + (field.getValue() == null ? 0 : field.getValue().length())
          + 4;
    }
    return total;
  }

  /** RFC 3875 section 6.2.2: the new URI is served as a GET, without the original body. */
  private static final class LocalRedirect extends Request.Wrapper {
    private final HttpURI target;
    private final HttpFields headers;

    LocalRedirect(Request request, HttpURI target) {
      super(request);
      this.target = target;
      this.headers = HttpFields.build(request.getHeaders())
          .remove(HttpHeader.CONTENT_LENGTH).remove(HttpHeader.CONTENT_TYPE)
          .remove(HttpHeader.TRANSFER_ENCODING).asImmutable();
    }

    @Override
    public String getMethod() {
      return "GET";
    }

    @Override
    public HttpURI getHttpURI() {
      return target;
    }

    @Override
    public HttpFields getHeaders() {
      return headers;
    }

    @Override
    public long getLength() {
      return 0;
    }

    @Override
    public Content.Chunk read() {
      return Content.Chunk.EOF;
    }
  }
}
