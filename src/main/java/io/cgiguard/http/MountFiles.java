package io.cgiguard.http;

import io.cgiguard.cgi.CaseFolding;
import io.cgiguard.cgi.IisVariables;
import io.cgiguard.cgi.Resolution;
import io.cgiguard.cgi.SiteResolver;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.plan.ScriptCommand;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What every mount shares about files: which may run, where a mapped mount's request leads, the
 * static files it serves, and, with {@code [iis-compat]}, IIS's case-insensitive names and server
 * variables.
 */
final class MountFiles {

  private final StaticFiles statics;
  private final SiteMap siteMap;
  private final List<String> indexFiles;
  private final GatewayConfig.IisCompat iis;

  MountFiles(StaticFiles statics, SiteMap siteMap, GatewayConfig config) {
    this.statics = statics;
    this.siteMap = siteMap;
    this.indexFiles = config.server().indexFiles();
    this.iis = config.site().iisCompat();
  }

  StaticFiles statics() {
    return statics;
  }

  boolean caseInsensitive() {
    return iis.caseInsensitive();
  }

  /**
   * @return the segments as spelled on disk (unchanged unless paths are case-insensitive), or
   *     empty when the request was answered because two names matched
   */
  Optional<List<String>> fold(Request request, Response response, Callback callback,
      String requestId, Path realDir, List<String> segments) {
    if (!iis.caseInsensitive()) {
      return Optional.of(segments);
    }
    CaseFolding.Folded folded = CaseFolding.fold(realDir, segments);
    if (folded instanceof CaseFolding.Ambiguous ambiguous) {
      statics.refuseAmbiguous(request, response, callback, requestId, ambiguous.reason());
      return Optional.empty();
    }
    return Optional.of(((CaseFolding.Names) folded).segments());
  }

  /** Where a request below a mapped mount leads. */
  SiteResolver.Target resolve(Request request, GatewayConfig.Mount mount, Path realDir,
      List<String> segments) {
    String rawPath = request.getHttpURI().getPath();
    return SiteResolver.resolve(realDir, mount.url(), segments,
        rawPath != null && rawPath.endsWith("/"),
        name -> ScriptCommand.mapping(mount, name).isPresent(), indexFiles,
        mount.followSymlinksOutside(), iis.caseInsensitive());
  }

  /** @return {@code environment} with IIS's server variables when {@code [iis-compat]} is on */
  Map<String, String> withIisVariables(Map<String, String> environment, Request request,
      Resolution.Found script) {
    if (!iis.enabled()) {
      return environment;
    }
    Map<String, String> env = new TreeMap<>(environment);
    env.putAll(IisVariables.of(iis.siteId(), iis.applications(), script.scriptName(),
        script.pathInfo(), request.isSecure(), Request.getLocalAddr(request), siteMap::translate));
    return Collections.unmodifiableMap(env);
  }
}
