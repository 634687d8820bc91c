package io.cgiguard.http;

import io.cgiguard.capacity.Capacity;
import io.cgiguard.cgi.RequestPath;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.plan.FileRoles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves files that a resolver has already chosen, from the docroot or a mapped mount's
 * directory, through Jetty's resource handling (ranges, ETags, content types). Index files and
 * directory redirects are decided before a file reaches it, so the file served is always the one
 * that was checked.
 *
 * <p>A script is never served as its source: a file with an execute bit, or with a script
 * extension, is refused ({@code [static]} widens or narrows both rules).
 */
final class StaticFiles extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(StaticFiles.class);

  private final DescriptorShortage shortage = new DescriptorShortage();
  private final GatewayConfig.Site rules;
  private final RequestFilter filter;
  private final Map<Path, Handler> byBase = new LinkedHashMap<>();
  private final GatewayPages pages;
  private final List<GatewayConfig.Mount> mounts;
  private final List<Path> realMountDirs;

  /**
   * @param bases the real directories files are served from
   * @param realMountDirs the real directory of each mount of {@code config}, in order
   */
  StaticFiles(List<Path> bases, GatewayConfig config, List<Path> realMountDirs,
      GatewayPages pages) {
    super(InvocationType.BLOCKING);
    this.rules = config.site();
    this.filter = new RequestFilter(config.request());
    this.pages = pages;
    this.mounts = config.mounts();
    this.realMountDirs = List.copyOf(realMountDirs);
    DescriptorShortage.loadAhead();
    for (Path base : bases) {
      byBase.computeIfAbsent(base, b -> {
        Handler resources = JettyAssembly.statics(b, List.of());
        addBean(resources);
        return resources;
      });
    }
  }

  @Override
  public void setServer(org.eclipse.jetty.server.Server server) {
    super.setServer(server);
    byBase.values().forEach(h -> h.setServer(server));
  }

  /** Not a route of its own: the gateway hands it files with {@link #serve}. */
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    return false;
  }

  /** Answers a request whose path matched two names that differ only in case. */
  void refuseAmbiguous(Request request, Response response, Callback callback, String requestId,
      String reason) {
    pages.refuse(request, response, callback, requestId, 409, reason);
  }

  /**
   * @return why {@code file} may not be served as a static file, or empty when it may: it is a
   *     script by its mode or extension, or a mount would run it, by whatever URL it was reached;
   *     a symlink is judged as itself and as the file it leads to
   */
  Optional<String> refusal(Path file) {
    return FileRoles.mountRuns(mounts, realMountDirs, file)
        .or(() -> FileRoles.staticRefusal(rules, file));
  }

  /**
   * Serves {@code file}, which lies below {@code base}, or answers why not: 404 when
   * {@code [request] allowed-extensions} does not list its kind, 403 when it is a script or the
   * gateway's user may not read it.
   */
  void serve(Request request, Response response, Callback callback, String requestId, Path base,
      Path file) throws Exception {
    Optional<RequestFilter.Rejection> unlisted = filter.checkServed(List.of(
        file.getFileName().toString(), FileRoles.realPath(file).getFileName().toString()));
    if (unlisted.isPresent()) {
      pages.refuse(request, response, callback, requestId, unlisted.get().status(),
          unlisted.get().reason());
      return;
    }
    Optional<String> refusal = refusal(file);
    if (refusal.isPresent()) {
      pages.refuse(request, response, callback, requestId, 403, refusal.get());
      return;
    }
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      response.getHeaders().put("Allow", "GET, HEAD");
      pages.refuse(request, response, callback, requestId, 405,
          "the method " + method + " is not allowed for a static file");
      return;
    }
    if (!Files.isReadable(file)) {
      // Anyone may ask for it again and again: one short line, at DEBUG, and no stack trace.
      LOG.debug("request {}: {} is not readable by the gateway's user", requestId, file);
      pages.refuse(request, response, callback, requestId, 403,
          "the gateway cannot read this file");
      return;
    }
    Handler resources = byBase.get(base);
    Path relative = base.relativize(file);
    if (resources == null || relative.startsWith("..")) {
      pages.refuse(request, response, callback, requestId, 404, "no such file");
      return;
    }
    List<String> encoded = new ArrayList<>();
    for (Path part : relative) {
      // A ";" is part of the name here; raw, Jetty would read it as a path parameter (and the
      // resource handler declines any path with one), so it is sent encoded.
      encoded.add(RequestPath.encodeSegment(part.toString()).replace(";", "%3B"));
    }
    // Jetty split a raw ";" off as a parameter, which it would append to the new path again.
    HttpURI target = HttpURI.build(request.getHttpURI()).param(null)
        .path("/" + String.join("/", encoded)).asImmutable();
    response.getHeaders().put(GatewayPages.REQUEST_ID, requestId);
    // The type is Jetty's by the name, application/octet-stream when it knows none: never sniffed.
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    Callback shortageAnswered = new Callback.Nested(callback) {
      @Override
      public void succeeded() {
        served();
        super.succeeded();
      }

      @Override
      public void failed(Throwable failure) {
        if (!answerShortage(request, response, callback, requestId, failure)) {
          super.failed(failure);
        }
      }
    };
    boolean handled;
    try {
      handled = resources.handle(new Retargeted(request, target), response, shortageAnswered);
    } catch (IOException e) {
      if (answerShortage(request, response, callback, requestId, e)) {
        return;
      }
      throw e;
    }
    if (!handled) {
      pages.refuse(request, response, callback, requestId, 404, "no such file");
    }
  }

  /**
   * A file that could not be opened because no descriptor was left is answered 503 with {@code
   * Retry-After}, as a script that could not get its pipes is: the condition passes, and nothing
   * is wrong with the file. One line at WARN names the limit when an episode starts ({@link
   * DescriptorShortage}), without a stack trace, and {@link #served} says when it is over.
   *
   * @return whether {@code failure} was such a shortage and is answered
   */
  private boolean answerShortage(Request request, Response response, Callback callback,
      String requestId, Throwable failure) {
    Optional<String> errno = DescriptorShortage.errno(failure);
    if (errno.isEmpty() || response.isCommitted()) {
      return false;
    }
    if (shortage.failed()) {
      LOG.warn("request {}: answered 503: {}; static files that cannot be opened are answered "
          + "503 until a descriptor is free (the access log has each such answer)", requestId,
          Capacity.descriptors(errno.get(), "this file"));
    }
    response.reset();
    response.getHeaders().put("Retry-After", "1");
    // The client learns what happened; the limit and its figure, the gateway's own, are in the
    // log (and asking whether this client may see them would run code no request has run yet,
    // whose classes cannot be loaded from a class directory without a descriptor).
    pages.refuse(request, response, callback, requestId, 503,
        "the gateway has no file descriptor left to open this file; try again in a moment");
    return true;
  }

  /** A file was served, which ends an episode that ran once no file fails for a while. */
  private void served() {
    Optional<DescriptorShortage.Ended> ended = shortage.succeeded();
    if (ended.isPresent()) {
      LOG.info("static files are served again; descriptors ran out for {} ms ({} files answered "
          + "503)", ended.get().millis(), ended.get().failures());
    }
  }

  /**
   * The request with its path replaced by the file's own, as the resolver spelled it, and without
   * a {@code Range} that must be ignored.
   */
  private static final class Retargeted extends Request.Wrapper {
    private final HttpURI target;
    private final HttpFields headers;

    Retargeted(Request request, HttpURI target) {
      super(request);
      this.target = target;
      this.headers = withoutIgnoredRange(request.getHeaders());
    }

    @Override
    public HttpURI getHttpURI() {
      return target;
    }

    @Override
    public HttpFields getHeaders() {
      return headers;
    }

    /**
     * A range in a unit other than bytes is ignored (RFC 9110 section 14.2), where Jetty answers
     * 416; and an {@code If-Range} with a weak tag is false, since it compares strongly (section
     * 13.1.5), so the whole file is sent, where Jetty sends the part.
     */
    private static HttpFields withoutIgnoredRange(HttpFields fields) {
      String range = fields.get(HttpHeader.RANGE);
      if (range == null) {
        return fields;
      }
      String ifRange = fields.get(HttpHeader.IF_RANGE);
      boolean bytes = range.trim().regionMatches(true, 0, "bytes=", 0, 6);
      boolean weak = ifRange != null && ifRange.trim().startsWith("W/");
      return bytes && !weak ? fields
          : HttpFields.build(fields).remove(HttpHeader.RANGE).asImmutable();
    }
  }
}
