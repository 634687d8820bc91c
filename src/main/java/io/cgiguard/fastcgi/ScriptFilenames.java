package io.cgiguard.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads the script a front server names in SCRIPT_FILENAME in the forms front servers write it,
 * before the allowed roots judge it.
 *
 * <ul>
 *   <li>nginx writes the file's path, with SCRIPT_NAME and PATH_INFO split as its configuration
 *       says; it is taken as it is.
 *   <li>Apache's {@code mod_proxy_fcgi} (with its default {@code ProxyFCGIBackendType FPM})
 *       writes {@code proxy:fcgi://HOST/} in front of the path. When Apache mapped the URL to a
 *       file itself ({@code SetHandler "proxy:…"}), the file's path follows as it is
 *       ({@code proxy:fcgi://localhost//srv/www/a.cgi}); when {@code ProxyPass} or
 *       {@code ProxyPassMatch} made it from the URL, the path is percent-encoded and still holds
 *       what follows the script ({@code proxy:fcgi://localhost/srv/www/a.cgi/more}), and Apache
 *       sends no PATH_INFO. {@code proxy:balancer://} is read the same way. With
 *       {@code ProxyFCGIBackendType GENERIC} Apache takes the prefix off itself and leaves the
 *       URL path encoded; it is decoded when it names no file as it is.
 *   <li>A path that is not a file, but begins with one, names that file; the rest is PATH_INFO
 *       when the front server sent none, and is taken off the end of SCRIPT_NAME. PHP-FPM finds
 *       its script in SCRIPT_FILENAME the same way, and fcgiwrap in DOCUMENT_ROOT + SCRIPT_NAME.
 * </ul>
 *
 * Nothing here decides whether the file may run: the caller checks the result's real path
 * against the allowed roots, as it checks a path nginx sent.
 */
public final class ScriptFilenames {

  private static final List<String> APACHE_PREFIXES = List.of("proxy:fcgi://",
      "proxy:balancer://");

  /** How many path segments are taken off the end, at most, looking for the script. */
  private static final int MAX_SEGMENTS_WALKED = 64;

  private ScriptFilenames() {}

  /**
   * The script a front server named, with its SCRIPT_NAME and PATH_INFO.
   *
   * @param scriptFilename the path of the file to run, as a CGI environment has it
   * @param scriptName the script's URL path
   * @param pathInfo what follows the script in the URL, decoded; empty when none
   */
  public record Named(String scriptFilename, String scriptName, String pathInfo) {}

  /**
   * @param scriptFilename SCRIPT_FILENAME as received; empty when absent
   * @param scriptName SCRIPT_NAME as received; empty when absent
   * @param pathInfo PATH_INFO as received; empty when absent
   * @return the same three, read as described above; unchanged when they need no reading
   */
  public static Named read(String scriptFilename, String scriptName, String pathInfo) {
    Optional<String> apachePath = apachePath(scriptFilename);
    String path = apachePath.orElse(scriptFilename);
    Optional<Named> found = found(path, scriptName, pathInfo);
    if (found.isEmpty() && apachePath.isEmpty() && path.indexOf('%') >= 0) {
      // ProxyFCGIBackendType GENERIC: Apache took its prefix off a percent-encoded URL path.
      found = found(percentDecoded(path), scriptName, pathInfo);
    }
    return found.orElse(new Named(path, scriptName, pathInfo));
  }

  /** @return the file {@code path} names or begins with, when there is one */
  private static Optional<Named> found(String path, String scriptName, String pathInfo) {
    if (!path.startsWith("/")) {
      return Optional.empty();
    }
    if (isRegularFile(path)) {
      return Optional.of(new Named(path, scriptName, pathInfo));
    }
    int cut = path.length();
    for (int walked = 0; walked < MAX_SEGMENTS_WALKED; walked++) {
      cut = path.lastIndexOf('/', cut - 1);
      if (cut <= 0) {
        break;
      }
      String head = path.substring(0, cut);
      if (isRegularFile(head)) {
        if (!pathInfo.isEmpty()) {
          return Optional.of(new Named(head, scriptName, pathInfo));
        }
        String tail = path.substring(cut);
        String name = scriptName.endsWith(tail)
            ? scriptName.substring(0, scriptName.length() - tail.length()) : scriptName;
        return Optional.of(new Named(head, name, tail));
      }
    }
    return Optional.empty();
  }

  /**
   * @return the path in Apache's {@code proxy:fcgi://HOST/PATH} (empty when there is none), or
   *     nothing when {@code value} is not in that form
   */
  private static Optional<String> apachePath(String value) {
    for (String prefix : APACHE_PREFIXES) {
      if (value.regionMatches(true, 0, prefix, 0, prefix.length())) {
        String rest = value.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
          return Optional.of("");
        }
        String path = rest.substring(slash);
        if (path.startsWith("//")) {
          // Apache mapped the URL to this file itself and put its path behind the prefix.
          return Optional.of(path.substring(1));
        }
        int query = path.indexOf('?');
        return Optional.of(percentDecoded(query < 0 ? path : path.substring(0, query)));
      }
    }
    return Optional.empty();
  }

  /**
   * Decodes {@code %XX} to the byte it stands for, read as ISO-8859-1 as every param is, so a
   * name reaches the file system byte for byte as it would unencoded. A malformed escape leaves
   * the whole path as it came, which then names no file.
   */
  private static String percentDecoded(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        int high = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
        int low = high >= 0 ? Character.digit(path.charAt(i + 2), 16) : -1;
        if (low < 0) {
          return path;
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else {
        bytes.write(c & 0xff);
      }
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  private static boolean isRegularFile(String path) {
    if (path.indexOf('\0') >= 0) {
      return false;
    }
    try {
      return Files.isRegularFile(Path.of(path));
    } catch (InvalidPathException e) {
      return false;
    }
  }

}
