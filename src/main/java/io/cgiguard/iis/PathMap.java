package io.cgiguard.iis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Translates Windows physical paths to Linux ones by prefix, as given with
 * {@code --path-map WINDOWS_PREFIX=LINUX_PREFIX}. Windows paths compare case-insensitively and
 * with either slash; the longest matching prefix wins, and it must end at a path separator so
 * that {@code C:\inetpub} does not capture {@code C:\inetpub2}.
 */
public final class PathMap {

  /** What IIS's own files use; expanded before matching. */
  private static final Map<String, String> VARIABLES = Map.of(
      "%systemdrive%", "C:",
      "%systemroot%", "C:\\Windows",
      "%windir%", "C:\\Windows",
      "%programfiles%", "C:\\Program Files",
      "%programfiles(x86)%", "C:\\Program Files (x86)");

  private final List<Map.Entry<String, String>> prefixes;

  /** @param prefixes Windows prefix to Linux prefix, in any order */
  public PathMap(List<Map.Entry<String, String>> prefixes) {
    List<Map.Entry<String, String>> sorted = new ArrayList<>(prefixes);
    sorted.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length())
        .reversed());
    this.prefixes = List.copyOf(sorted);
  }

  /** Parses "WINDOWS_PREFIX=LINUX_PREFIX" (the first '=' splits, Windows paths have none). */
  public static Map.Entry<String, String> parseMapping(String mapping) {
    int eq = mapping.indexOf('=');
    if (eq <= 0 || eq == mapping.length() - 1) {
      throw new IllegalArgumentException("expected WINDOWS_PREFIX=LINUX_PREFIX, got '"
          + mapping + "'");
    }
    return Map.entry(mapping.substring(0, eq), mapping.substring(eq + 1));
  }

  /** The Linux path, or empty when no prefix matches. */
  public Optional<String> translate(String windowsPath) {
    String path = canonical(windowsPath);
    for (Map.Entry<String, String> prefix : prefixes) {
      String p = canonical(prefix.getKey());
      String lowerPath = path.toLowerCase(Locale.ROOT);
      String lowerPrefix = p.toLowerCase(Locale.ROOT);
      if (lowerPath.equals(lowerPrefix)) {
        return Optional.of(prefix.getValue());
      }
      if (lowerPath.startsWith(lowerPrefix + "\\")) {
        String rest = path.substring(p.length() + 1).replace('\\', '/');
        String linux = prefix.getValue();
        return Optional.of(linux.endsWith("/") ? linux + rest : linux + "/" + rest);
      }
    }
    return Optional.empty();
  }

  /** Expands the environment variables IIS's files use (%SystemDrive% and the like). */
  static String expand(String path) {
    String result = path;
    for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
      int at;
      while ((at = result.toLowerCase(Locale.ROOT).indexOf(v.getKey())) >= 0) {
        result = result.substring(0, at) + v.getValue() + result.substring(at + v.getKey().length());
      }
    }
    return result;
  }

  private static String canonical(String windowsPath) {
    String p = expand(windowsPath.trim()).replace('/', '\\');
    while (p.endsWith("\\") && p.length() > 1) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
