package io.cgiguard.http;

import io.cgiguard.cgi.CaseFolding;
import io.cgiguard.cgi.RequestPath;
import io.cgiguard.cgi.SiteResolver;
import io.cgiguard.config.GatewayConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The document root: every request no mount covers. Nothing runs here; a file is served when
 * {@link StaticFiles} allows it.
 */
final class DocrootFiles {

  private final Path realDocroot;
  private final List<String> indexFiles;
  private final StaticFiles statics;
  private final GatewayPages pages;
  private final boolean caseInsensitive;

  DocrootFiles(Path realDocroot, GatewayConfig config, StaticFiles statics,
      GatewayPages pages) {
    this.realDocroot = realDocroot;
    this.indexFiles = config.server().indexFiles();
    this.statics = statics;
    this.pages = pages;
    this.caseInsensitive = config.site().iisCompat().caseInsensitive();
  }

  void serve(Request request, Response response, Callback callback, String requestId,
      RequestPath.Decoded path) throws Exception {
    List<String> segments = path.segments();
    if (caseInsensitive) {
      CaseFolding.Folded folded = CaseFolding.fold(realDocroot, segments);
      if (folded instanceof CaseFolding.Ambiguous ambiguous) {
        statics.refuseAmbiguous(request, response, callback, requestId, ambiguous.reason());
        return;
      }
      segments = ((CaseFolding.Names) folded).segments();
    }
    SiteResolver.Target target = SiteResolver.resolve(realDocroot, "/", segments,
        path.decodedPath().endsWith("/"), name -> false, indexFiles, false, caseInsensitive);
    if (target instanceof SiteResolver.Static file) {
      statics.serve(request, response, callback, requestId, realDocroot, file.file());
      return;
    }
    answer(pages, request, response, callback, requestId, target);
  }

  /** Answers a target that is neither a file to serve nor a program to run. */
  static void answer(GatewayPages pages, Request request, Response response, Callback callback,
      String requestId, SiteResolver.Target target) {
    if (target instanceof SiteResolver.DirectoryRedirect redirect) {
      List<String> encoded = new ArrayList<>();
      for (String segment : redirect.urlPath().split("/")) {
        if (!segment.isEmpty()) {
          encoded.add(RequestPath.encodeSegment(segment));
        }
      }
      HttpURI uri = request.getHttpURI();
      String location = "/" + String.join("/", encoded) + "/"
          + (uri.getQuery() == null ? "" : "?" + uri.getQuery());
      response.getHeaders().put("Location", location);
      pages.refuse(request, response, callback, requestId, 301, "a directory: its URL ends in /");
      return;
    }
    SiteResolver.Refused refused = (SiteResolver.Refused) target;
    pages.refuse(request, response, callback, requestId, refused.status(), refused.reason());
  }
}
