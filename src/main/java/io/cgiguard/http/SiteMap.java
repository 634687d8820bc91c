package io.cgiguard.http;

import io.cgiguard.cgi.CaseFolding;
import io.cgiguard.config.GatewayConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which directory this server maps a URL path to: the mount with the longest prefix that covers
 * it, else the document root. Used for the paths IIS variables name (APPL_PHYSICAL_PATH,
 * PATH_TRANSLATED), so that they are the paths a request for that URL would reach.
 */
final class SiteMap {

  private record Entry(String prefix, Path realDir) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Optional<Path> realDocroot;
  private final boolean caseInsensitive;

  SiteMap(GatewayConfig config, List<Path> realMountDirs, Optional<Path> realDocroot) {
    for (int i = 0; i < config.mounts().size(); i++) {
      entries.add(new Entry(config.mounts().get(i).url(), realMountDirs.get(i)));
    }
    entries.sort(Comparator.comparingInt((Entry e) -> e.prefix().length()).reversed());
    this.realDocroot = realDocroot;
    this.caseInsensitive = config.site().iisCompat().caseInsensitive();
  }

  /** @return whether the mount prefix {@code prefix} covers the decoded {@code path} */
  static boolean covers(String prefix, String path, boolean caseInsensitive) {
    String p = caseInsensitive ? prefix.toLowerCase(Locale.ROOT) : prefix;
    String d = caseInsensitive ? path.toLowerCase(Locale.ROOT) : path;
    return d.startsWith(p) || (d + "/").equals(p);
  }

  /**
   * @return the file-system path of a decoded URL path (it need not exist); empty when no mount
   *     covers it and there is no document root
   */
  Optional<Path> translate(String urlPath) {
    for (Entry e : entries) {
      if (covers(e.prefix(), urlPath, caseInsensitive)) {
        return Optional.of(below(e.realDir(), urlPath.substring(
            Math.min(urlPath.length(), e.prefix().length() - 1))));
      }
    }
    return realDocroot.map(root -> below(root, urlPath));
  }

  private Path below(Path dir, String rest) {
    List<String> segments = Arrays.stream(rest.split("/"))
        .filter(s -> !s.isEmpty() && !s.equals(".") && !s.equals("..")).toList();
    if (caseInsensitive && CaseFolding.fold(dir, segments) instanceof CaseFolding.Names names) {
      segments = names.segments();
    }
    Path out = dir;
    for (String segment : segments) {
      out = out.resolve(segment);
    }
    return out;
  }
}
