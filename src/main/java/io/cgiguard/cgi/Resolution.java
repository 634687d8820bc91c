package io.cgiguard.cgi;

import java.nio.file.Path;

/**
 * Where a request path led under a CGI mount (RFC 3875 section 3.3): to a script and its
 * PATH_INFO, or to nothing the gateway may run. The HTTP layer answers {@link NotFound} with 404
 * and {@link Forbidden} with 403.
 */
public sealed interface Resolution {

  /**
   * A script was found.
   *
   * @param scriptFile the script's real path, symlinks resolved (SCRIPT_FILENAME)
   * @param scriptName the URL path that names the script, mount prefix included, decoded, e.g.
   *     {@code /cgi-bin/env.pl} (SCRIPT_NAME, section 4.1.13)
   * @param pathInfo the decoded segments after the script joined as {@code /a/b}, or empty
   *     (PATH_INFO, section 4.1.5)
   */
  record Found(Path scriptFile, String scriptName, String pathInfo) implements Resolution {}

  /** Nothing runnable is there: no such file, or the path ends at a directory. */
  record NotFound(String reason) implements Resolution {}

  /** Something is there that may not be run: not a regular file, or outside the mount. */
  record Forbidden(String reason) implements Resolution {}
}
