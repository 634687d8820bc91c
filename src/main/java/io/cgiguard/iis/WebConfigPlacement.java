package io.cgiguard.iis;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the IIS location a {@code web.config} applies to: the virtual directory whose physical
 * path, translated to Linux, contains the file's directory, plus the folders between them.
 */
final class WebConfigPlacement {

  private WebConfigPlacement() {}

  static String locate(Path webConfig, IisSite site, PathMap pathMap) throws IisImportException {
    Path folder = webConfig.toAbsolutePath().normalize().getParent();
    String best = null;
    int bestDepth = -1;
    for (IisSite.Application app : site.applications()) {
      for (IisSite.VirtualDirectory dir : app.virtualDirectories()) {
        Optional<String> linux = pathMap.translate(dir.physicalPath());
        if (linux.isEmpty()) {
          continue;
        }
        Path root = Path.of(linux.get()).toAbsolutePath().normalize();
        if (folder.startsWith(root) && root.getNameCount() > bestDepth) {
          bestDepth = root.getNameCount();
          String rest = root.relativize(folder).toString().replace('\\', '/');
          best = ConfigScope.join(ConfigScope.join(site.name(), IisSite.urlPath(app, dir)), rest);
        }
      }
    }
    if (best == null) {
      throw new IisImportException(webConfig + ": lies under no virtual directory of site '"
          + site.name() + "'; map the directory's Windows path to this folder with --path-map");
    }
    return best;
  }
}
