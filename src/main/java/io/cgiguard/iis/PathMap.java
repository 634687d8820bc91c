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
    return parseMapping("--path-map", "WINDOWS_PREFIX=LINUX_PREFIX", mapping);
  }

  /**
   * Parses "WINDOWS=LINUX" for the option {@code option}, whose expected form {@code form} a
   * wrong value is told.
   */
  public static Map.Entry<String, String> parseMapping(String option, String form,
      String mapping) {
    int eq = mapping.indexOf('=');
    if (eq <= 0 || eq == mapping.length() - 1) {
      throw new IllegalArgumentException(option + ": expected " + form + ", got '" + mapping
          + "'");
    }
    return Map.entry(mapping.substring(0, eq), mapping.substring(eq + 1));
  }

  /**
   * The Linux path, or empty when no prefix matches. {@code .} and {@code ..} are resolved first,
   * as Windows does, so that {@code C:\inetpub\wwwroot\..\..\etc} is matched as
   * {@code C:\etc} and never leaves its mapping; a path whose {@code ..} climbs above its drive
   * or share, or a relative one, matches nothing.
   */
  public Optional<String> translate(String windowsPath) {
    String path = canonical(windowsPath);
    if (path == null) {
      return Optional.empty();
    }
    for (Map.Entry<String, String> prefix : prefixes) {
      String p = canonical(prefix.getKey());
      if (p == null) {
        continue;
      }
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

  /**
   * The path with backslashes, no final one, and its dot segments resolved; null when a
   * {@code ..} climbs above the root (the drive, or a UNC path's server and share), or when the
   * path has no root at all.
   */
  private static String canonical(String windowsPath) {
    String p = expand(windowsPath.trim()).replace('/', '\\');
    String root;
    String rest;
    if (p.startsWith("\\\\")) {
      String[] parts = p.substring(2).split("\\\\", 3);
      if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        return null;
      }
      root = "\\\\" + parts[0] + "\\" + parts[1];
      rest = parts.length > 2 ? parts[2] : "";
    } else if (p.matches("[A-Za-z]:(\\\\.*)?")) {
      root = p.substring(0, 2);
      rest = p.substring(2);
    } else {
      return null;
    }
    List<String> segments = new ArrayList<>();
    for (String segment : rest.split("\\\\")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          return null;
        }
        segments.remove(segments.size() - 1);
      } else {
        segments.add(segment);
      }
    }
    return segments.isEmpty() ? root : root + "\\" + String.join("\\", segments);
  }
}
