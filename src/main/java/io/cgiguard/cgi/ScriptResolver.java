package io.cgiguard.cgi;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Finds the script a request names under a CGI mount and splits off PATH_INFO (RFC 3875 section
 * 3.3): walks the decoded segments from the mount directory to the first regular file; what
 * follows it is PATH_INFO, with the request's trailing {@code /} when it had one
 * ({@code /cgi-bin/app/a/} gives {@code /a/}, {@code /cgi-bin/app/} gives {@code /}), as Apache
 * gives it and as applications that route on it (gitweb, cgit, wikis) expect.
 *
 * <p>It only inspects the file system (attributes and real paths); it never opens a file. Hidden
 * names and denied extensions are the HTTP layer's policy, not this walk's.
 */
public final class ScriptResolver {

  private ScriptResolver() {}

  /**
   * @param realMountDir the mount's directory, already symlink-resolved ({@code toRealPath})
   * @param urlPrefix the mount's URL prefix, e.g. {@code /cgi-bin/} or {@code /cgi-bin}
   * @param segments the decoded segments below the prefix, as {@link RequestPath.Decoded} gives
   *     them: non-empty, never {@code .} or {@code ..}, without {@code /} or NUL
   * @param trailingSlash whether the request path ended with {@code /}
   * @param followSymlinksOutside whether a script whose real path leaves the mount may run
   */
  public static Resolution resolve(Path realMountDir, String urlPrefix, List<String> segments,
      boolean trailingSlash, boolean followSymlinksOutside) {
    if (segments.isEmpty()) {
      return new Resolution.NotFound("no script named under " + urlPrefix);
    }
    Path current = realMountDir;
    for (int i = 0; i < segments.size(); i++) {
      current = current.resolve(checked(segments.get(i)));
      BasicFileAttributes attributes;
      try {
        // Follows symlinks on purpose: a link to a script is a script; where it really lives
        // is checked below against the mount.
        attributes = Files.readAttributes(current, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        return new Resolution.NotFound("no such file: " + urlPath(urlPrefix, segments, i));
      } catch (AccessDeniedException e) {
        return new Resolution.Forbidden("not accessible: " + urlPath(urlPrefix, segments, i));
      } catch (IOException e) {
        return new Resolution.NotFound("cannot inspect " + urlPath(urlPrefix, segments, i));
      }
      if (attributes.isDirectory()) {
        continue;
      }
      if (!attributes.isRegularFile()) {
        return new Resolution.Forbidden("not a regular file: " + urlPath(urlPrefix, segments, i));
      }
      return found(realMountDir, current, urlPrefix, segments, i, trailingSlash,
          followSymlinksOutside);
    }
    return new Resolution.NotFound("a directory, not a script: "
        + urlPath(urlPrefix, segments, segments.size() - 1));
  }

  private static Resolution found(Path realMountDir, Path file, String urlPrefix,
      List<String> segments, int scriptIndex, boolean trailingSlash,
      boolean followSymlinksOutside) {
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      return new Resolution.NotFound("cannot resolve "
          + urlPath(urlPrefix, segments, scriptIndex));
    }
    String scriptName = urlPath(urlPrefix, segments, scriptIndex);
    if (!followSymlinksOutside && !real.startsWith(realMountDir)) {
      return new Resolution.Forbidden("links outside the CGI directory: " + scriptName);
    }
    return new Resolution.Found(real, scriptName,
        pathInfo(segments.subList(scriptIndex + 1, segments.size()), trailingSlash));
  }

  /**
   * @param rest the decoded segments after the script's
   * @return PATH_INFO: empty for a request that named the script alone, else {@code /} and the
   *     segments, ending in {@code /} when the request path did
   */
  static String pathInfo(List<String> rest, boolean trailingSlash) {
    String joined = rest.isEmpty() ? "" : "/" + String.join("/", rest);
    return trailingSlash ? joined + "/" : joined;
  }

  /** @return the URL path of the segments up to {@code last}, under the prefix */
  private static String urlPath(String urlPrefix, List<String> segments, int last) {
    String prefix = urlPrefix.endsWith("/")
        ? urlPrefix.substring(0, urlPrefix.length() - 1) : urlPrefix;
    if (!prefix.startsWith("/") && !prefix.isEmpty()) {
      prefix = "/" + prefix;
    }
    return prefix + "/" + String.join("/", segments.subList(0, last + 1));
  }

  private static String checked(String segment) {
    if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
        || segment.indexOf('/') >= 0 || segment.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a decoded path segment: " + segment);
    }
    return segment;
  }

  /**
   * Checks a script the front server named by its file path (SCRIPT_FILENAME of a FastCGI request
   * in fcgiwrap mode): it runs only if its real path, symlinks resolved, is a regular file under
   * one of {@code realRoots}. Everything else is {@link Resolution.Forbidden}, saying why.
   *
   * @param scriptFilename the path as the front server sent it
   * @param realRoots the allowed directories, already symlink-resolved
   * @param scriptName the SCRIPT_NAME the front server sent
   * @param pathInfo the PATH_INFO the front server sent
   */
  public static Resolution resolveNamed(String scriptFilename, List<Path> realRoots,
      String scriptName, String pathInfo) {
    if (scriptFilename.isEmpty()) {
      return new Resolution.Forbidden("the front server named no SCRIPT_FILENAME");
    }
    if (!scriptFilename.startsWith("/") || scriptFilename.indexOf('\0') >= 0) {
      return new Resolution.Forbidden("SCRIPT_FILENAME is not an absolute path");
    }
    Path real;
    try {
      real = Path.of(scriptFilename).toRealPath();
    } catch (IOException | java.nio.file.InvalidPathException e) {
      return new Resolution.Forbidden("SCRIPT_FILENAME names no file that can be inspected");
    }
    if (realRoots.stream().noneMatch(real::startsWith)) {
      return new Resolution.Forbidden("SCRIPT_FILENAME lies outside the allowed roots");
    }
    if (!Files.isRegularFile(real)) {
      return new Resolution.Forbidden("SCRIPT_FILENAME is not a regular file");
    }
    return new Resolution.Found(real, scriptName, pathInfo);
  }
}
