package io.cgiguard.iis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which Linux interpreter replaces a Windows script processor. A built-in table covers Perl,
 * Python and PHP-CGI by program name; {@code --interpreter WINDOWS=LINUX} overrides it, by full
 * Windows path or by program name.
 */
public final class Interpreters {

  private static final Map<String, String> BUILT_IN = Map.of(
      "perl.exe", "/usr/bin/perl",
      "wperl.exe", "/usr/bin/perl",
      "python.exe", "/usr/bin/python3",
      "python3.exe", "/usr/bin/python3",
      "pythonw.exe", "/usr/bin/python3",
      "py.exe", "/usr/bin/python3",
      "php-cgi.exe", "/usr/bin/php-cgi");

  private final Map<String, String> overrides = new LinkedHashMap<>();

  /** @param overrides Windows path or program name to Linux path */
  public Interpreters(List<Map.Entry<String, String>> overrides) {
    for (Map.Entry<String, String> o : overrides) {
      this.overrides.put(key(o.getKey()), o.getValue());
    }
  }

  /** The Linux program for a Windows one, or empty when neither table knows it. */
  public Optional<String> linuxFor(String windowsProgram) {
    String full = key(PathMap.expand(windowsProgram));
    String base = ScriptProcessor.baseName(full);
    if (overrides.containsKey(full)) {
      return Optional.of(overrides.get(full));
    }
    if (overrides.containsKey(base)) {
      return Optional.of(overrides.get(base));
    }
    return Optional.ofNullable(BUILT_IN.get(base));
  }

  private static String key(String windowsPath) {
    return windowsPath.trim().replace('/', '\\').toLowerCase(Locale.ROOT);
  }
}
