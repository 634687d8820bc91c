package io.cgiguard.http;

import io.cgiguard.cgi.CaseFolding;
import io.cgiguard.cgi.RequestPath;
import io.cgiguard.cgi.SiteResolver;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.plan.ScriptCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The document root: every request no mount covers. Nothing runs here; a file is served when
 * {@link StaticFiles} allows it and no mount would run it by another URL (a script directory's
 * files, or a file a mapped mount's handler matches, are never static).
 */
final class DocrootFiles {

  private final Path realDocroot;
  private final List<String> indexFiles;
  private final StaticFiles statics;
  private final GatewayPages pages;
  private final boolean caseInsensitive;
  private final List<Path> scriptDirs = new ArrayList<>();
  private final List<MappedDir> mappedDirs = new ArrayList<>();

  private record MappedDir(Path realDir, GatewayConfig.Mount mount) {}

  DocrootFiles(Path realDocroot, GatewayConfig config, List<Path> realMountDirs,
      StaticFiles statics, GatewayPages pages) {
    this.realDocroot = realDocroot;
    this.indexFiles = config.server().indexFiles();
    this.statics = statics;
    this.pages = pages;
    this.caseInsensitive = config.site().iisCompat().caseInsensitive();
    for (int i = 0; i < config.mounts().size(); i++) {
      GatewayConfig.Mount mount = config.mounts().get(i);
      if (mount.mapped()) {
        mappedDirs.add(new MappedDir(realMountDirs.get(i), mount));
      } else {
        scriptDirs.add(realMountDirs.get(i));
      }
    }
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
        path.decodedPath().endsWith("/"), name -> false, indexFiles, false);
    if (target instanceof SiteResolver.Static file && !runsElsewhere(file.file())) {
      statics.serve(request, response, callback, requestId, realDocroot, file.file());
      return;
    }
    if (target instanceof SiteResolver.Static) {
      // Script sources are never served as files, whatever URL reaches them.
      pages.refuse(request, response, callback, requestId, 404, "no such file");
      return;
    }
    answer(pages, request, response, callback, requestId, target);
  }

  private boolean runsElsewhere(Path file) {
    Path real = file.toAbsolutePath();
    try {
      real = file.toRealPath();
    } catch (java.io.IOException e) {
      // Judged by the path as named.
    }
    Path found = real;
    if (scriptDirs.stream().anyMatch(found::startsWith)) {
      return true;
    }
    String name = found.getFileName().toString();
    return mappedDirs.stream().anyMatch(m -> found.startsWith(m.realDir())
        && ScriptCommand.mapping(m.mount(), name).isPresent());
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
