package io.cgiguard.iis;

import java.util.Locale;
import org.w3c.dom.Element;

/**
 * One place configuration is written: the root of {@code applicationHost.config}, one of its
 * {@code <location path>} elements, or a {@code web.config} (or a location inside one). Its
 * {@code location} is the IIS configuration path below the server, "" for the server itself,
 * else "Site/application/folder" without leading or trailing slashes.
 *
 * @param location where the settings apply, compared case-insensitively as IIS does
 * @param root the element whose children are the section groups ({@code system.webServer}, ...)
 * @param origin how to name this scope to a user: the file, and the location when there is one
 * @param fileOrder the file's position among the inputs, applicationHost.config first
 * @param fileLocation where the file itself sits: "" for applicationHost.config, the folder of
 *     a web.config; it orders the scopes of one location, the deeper file last
 */
public record ConfigScope(String location, Element root, String origin, int fileOrder,
    String fileLocation) {

  public ConfigScope {
    location = normalise(location);
    fileLocation = normalise(fileLocation);
  }

  /** The depth of the file in the site's hierarchy: 0 for applicationHost.config. */
  public int fileDepth() {
    return fileLocation.isEmpty() ? 0 : fileLocation.split("/").length;
  }

  /** Strips slashes at both ends and turns IIS's "." (this level) into "". */
  public static String normalise(String location) {
    String l = location == null ? "" : location.trim().replace('\\', '/');
    while (l.startsWith("/")) {
      l = l.substring(1);
    }
    while (l.endsWith("/")) {
      l = l.substring(0, l.length() - 1);
    }
    return l.equals(".") ? "" : l;
  }

  /** A location below {@code parent}; {@code child} is relative to it. */
  public static String join(String parent, String child) {
    String p = normalise(parent);
    String c = normalise(child);
    if (p.isEmpty()) {
      return c;
    }
    return c.isEmpty() ? p : p + "/" + c;
  }

  /** Whether {@code ancestor} is {@code location} or one of its parents, by whole segments. */
  public static boolean covers(String ancestor, String location) {
    String a = normalise(ancestor).toLowerCase(Locale.ROOT);
    String l = normalise(location).toLowerCase(Locale.ROOT);
    return a.isEmpty() || l.equals(a) || l.startsWith(a + "/");
  }

  /** The number of path segments, which orders inheritance from server to folder. */
  public int depth() {
    return location.isEmpty() ? 0 : location.split("/").length;
  }

  /** Whether these settings are inherited by {@code target}. */
  public boolean appliesTo(String target) {
    return covers(location, target);
  }
}
