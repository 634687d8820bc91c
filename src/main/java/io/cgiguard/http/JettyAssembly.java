package io.cgiguard.http;

import io.cgiguard.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty's mutable setters, in one place: the server, its connector, threads and static files. */
final class JettyAssembly {

  /** The buffer a response head is first written into; most heads are a few hundred bytes. */
  static final int INITIAL_RESPONSE_HEAD_BYTES = 8 * 1024;

  private JettyAssembly() {}

  static Server server(GatewayConfig.Server settings, GatewayConfig.RequestFiltering request,
      GatewayConfig.Concurrency concurrency, int responseHeadBytes, Handler handler) {
    QueuedThreadPool threads = ThreadBudget.pool(ThreadBudget.requestThreads(settings,
        concurrency));
    QuietScheduler scheduler = ThreadBudget.scheduler();
    // Jetty pools buffers up to 64 KiB; a larger response head buffer would be allocated, zeroed
    // and left to the garbage collector on every response, and native memory would grow with
    // the connections. Pool up to the head buffer's size, in 4 KiB steps.
    int pooledBytes = Math.max(64 * 1024, (responseHeadBytes + 4095) / 4096 * 4096);
    Server server = new Server(threads, scheduler,
        new ArrayByteBufferPool(0, 4096, pooledBytes));
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(request.maxHeaderBytes());
    // A response head starts in a small buffer and only one that overflows it gets the large one:
    // a buffer of the largest head allowed for every response in flight was most of the direct
    // memory under load.
    http.setResponseHeaderSize(Math.min(INITIAL_RESPONSE_HEAD_BYTES, responseHeadBytes));
    http.setMaxResponseHeaderSize(responseHeadBytes);
    // Jetty keeps a cache of header fields per connection (1,024 characters of trie by default,
    // some 100 KiB per connection once used): with 64 keep-alive connections that was a third of
    // the gateway's heap growth under load. The fields of one request are parsed in microseconds;
    // a CGI request's time is its script's.
    http.setHeaderCacheSize(0);
    http.setIdleTimeout(settings.idleTimeout().toMillis());
    // Ambiguous paths are refused by cgiguard's own decoder with a precise reason; Jetty is told
    // to pass them through so that there is one place, and one order, where paths are judged.
    http.setUriCompliance(UriCompliance.UNSAFE);
    HttpConnectionFactory http1 = new HttpConnectionFactory(http);
    http1.setInputBufferSize(RequestBodies.CONNECTION_READ_BYTES);
    ServerConnector connector = new GuardedConnector(server, true, http1);
    connector.setHost(settings.bind());
    connector.setPort(settings.port());
    connector.setIdleTimeout(settings.idleTimeout().toMillis());
    connector.setAcceptQueueSize(1024);
    HeadReadDeadline headDeadline = new HeadReadDeadline(settings.headerReadTimeout());
    connector.addEventListener(headDeadline);
    server.addBean(headDeadline);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopTimeout(5_000);
    return server;
  }

  static Handler statics(Path docroot, List<String> indexFiles) {
    ResourceHandler resources = new StaticResources();
    resources.setBaseResource(ResourceFactory.root().newResource(docroot));
    resources.setDirAllowed(false);
    resources.setWelcomeFiles(indexFiles);
    resources.setEtags(true);
    return new WithoutPathParameters(resources);
  }

  /**
   * Jetty's resource handling, with the fields a 304 must carry (RFC 9110 section 15.4.5) and a
   * content type for every file.
   */
  private static final class StaticResources extends ResourceHandler {

    /**
     * Jetty's table, and {@code application/octet-stream} for a name it does not know ({@code
     * README}, {@code upload.xyz}): without a type, a browser sniffs, and renders an uploaded file
     * that looks like HTML as a page of the site.
     */
    private static final MimeTypes TYPES = new MimeTypes(MimeTypes.DEFAULTS) {
      @Override
      public String getMimeByExtension(String filename) {
        String type = super.getMimeByExtension(filename);
        return type != null ? type : "application/octet-stream";
      }
    };

    @Override
    public MimeTypes getMimeTypes() {
      return TYPES;
    }

    @Override
    protected ResourceService newResourceService() {
      return new ResourceService() {
        /**
         * {@code If-None-Match: *} is false for a file that exists, so a GET or HEAD of it is
         * answered 304 (RFC 9110 section 13.1.2); Jetty compares the star as a tag and serves.
         */
        @Override
        protected boolean handleConditionalHeaders(Request request, Response response,
            HttpContent content, Callback callback) throws IOException {
          if (super.handleConditionalHeaders(request, response, content, callback)) {
            return true;
          }
          String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
          if (ifNoneMatch == null || !ifNoneMatch.trim().equals("*")) {
            return false;
          }
          putNotModifiedHeaders(response, content);
          writeHttpError(request, response, callback, HttpStatus.NOT_MODIFIED_304);
          return true;
        }

        /** Jetty sends the ETag with a 304 for If-None-Match, not for If-Modified-Since. */
        @Override
        protected void putNotModifiedHeaders(Response response, HttpContent content) {
          super.putNotModifiedHeaders(response, content);
          if (isEtags() && content.getETag() != null) {
            response.getHeaders().put(content.getETag());
          }
        }
      };
    }
  }

  /**
   * Declines every path that has a {@code ;} parameter. cgiguard's decoder keeps {@code ;} as part
   * of a segment's name (RFC 3986 gives it no meaning), and its filters and containment checks
   * judge that name; Jetty's resource lookup strips parameters instead, so {@code /x/..;/a} or
   * {@code /web.config;x} would be checked as one path and served as another. The gateway answers
   * a declined path with 404.
   */
  private static final class WithoutPathParameters extends Handler.Wrapper {

    WithoutPathParameters(Handler resources) {
      super(resources);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback)
        throws Exception {
      String rawPath = request.getHttpURI().getPath();
      if (rawPath != null && rawPath.indexOf(';') >= 0) {
        return false;
      }
      return super.handle(request, response, callback);
    }
  }

  /** @return the real path of {@code dir}, or the normalised absolute one if it does not exist */
  static Path realDirectory(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    return Files.exists(absolute) ? absolute.toRealPath() : absolute;
  }
}
