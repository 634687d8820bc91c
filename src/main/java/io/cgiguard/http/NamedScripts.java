package io.cgiguard.http;

import io.cgiguard.cgi.Resolution;
import io.cgiguard.cgi.ScriptResolver;
import io.cgiguard.fastcgi.ScriptFilenames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fcgiwrap mode of the FastCGI listener: the front server names the script in SCRIPT_FILENAME
 * (with SCRIPT_NAME and PATH_INFO), as configurations written for fcgiwrap do, or as Apache's
 * mod_proxy_fcgi does ({@link ScriptFilenames} reads both). The named file runs
 * only if it lies under an allowed root once symlinks are resolved, and then exactly as a mounted
 * script does: the same plan, restrictions, attempts and relay, through {@link CgiHandler}.
 * Anything else is refused with 403 and logged, and never started.
 */
final class NamedScripts {

  private static final Logger LOG = LoggerFactory.getLogger(NamedScripts.class);

  private final List<Path> realRoots;
  private final CgiHandler runner;
  private final GatewayPages pages;

  NamedScripts(List<Path> allowedRoots, CgiHandler runner, GatewayPages pages)
      throws IOException {
    List<Path> real = new ArrayList<>();
    for (Path root : allowedRoots) {
      real.add(JettyAssembly.realDirectory(root));
    }
    this.realRoots = List.copyOf(real);
    this.runner = runner;
    this.pages = pages;
  }

  void handle(Request request, Response response, Callback callback, String requestId,
      FastCgiParams params) throws Exception {
    String named = params.params().getOrDefault("SCRIPT_FILENAME", "");
    FastCgiParams read = params.naming(ScriptFilenames.read(named,
        params.get("SCRIPT_NAME").orElse(""), params.get("PATH_INFO").orElse("")));
    Resolution resolution = ScriptResolver.resolveNamed(
        read.params().getOrDefault("SCRIPT_FILENAME", ""), realRoots,
        read.get("SCRIPT_NAME").orElse(""), read.get("PATH_INFO").orElse(""));
    if (resolution instanceof Resolution.Found found) {
      runner.handleNamed(request, response, callback, requestId, found, read);
      return;
    }
    String reason = ((Resolution.Forbidden) resolution).reason();
    LOG.warn("request {}: refused SCRIPT_FILENAME \"{}\": {}", requestId,
        named.replaceAll("\\p{Cntrl}", "?"), reason);
    pages.refuse(request, response, callback, requestId, 403, reason);
  }
}
