package io.cgiguard.cgi;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where a request leads in a directory that holds both programs and static files, as IIS handler
 * mappings, Apache's {@code AddHandler cgi-script} and lighttpd's {@code cgi.assign} treat it: the
 * walk goes from the directory to the first regular file; when a mapping runs that file, what
 * follows it is PATH_INFO (RFC 3875 section 3.3); any other file is static and has nothing after
 * it. A path that ends at a directory leads to its first index file that exists, which runs when
 * a mapping matches it; a directory itself never runs. A directory without its final {@code /},
 * the directory of the prefix itself included, is redirected to it.
 *
 * <p>It only inspects the file system; it never opens a file.
 */
public final class SiteResolver {

  /** What the request leads to. */
  public sealed interface Target {}

  /** A program to run through its mapping. */
  public record Run(Resolution.Found script) implements Target {}

  /** @param file a regular file to serve as it is, symlinks not resolved */
  public record Static(Path file) implements Target {}

  /** @param urlPath the decoded URL path of the directory, with its trailing {@code /} */
  public record DirectoryRedirect(String urlPath) implements Target {}

  /** @param status 403, 404, or 409 for an index name two files match regardless of case */
  public record Refused(int status, String reason) implements Target {}

  private SiteResolver() {}

  /**
   * @param realDir the directory, symlinks resolved
   * @param urlPrefix the URL path that names {@code realDir}, such as {@code /} or {@code /app/}
   * @param segments the decoded segments below the prefix
   * @param trailingSlash whether the request path ended with {@code /}
   * @param runs whether a mapping runs a file of this name
   * @param indexFiles the index file names, in order of preference
   * @param followSymlinksOutside whether a file whose real path leaves the directory may be used
   * @param caseInsensitive whether an index file's name matches regardless of case (the
   *     segments are already folded by {@link CaseFolding})
   */
  public static Target resolve(Path realDir, String urlPrefix, List<String> segments,
      boolean trailingSlash, Predicate<String> runs, List<String> indexFiles,
      boolean followSymlinksOutside, boolean caseInsensitive) {
    Path current = realDir;
    for (int i = 0; i < segments.size(); i++) {
      current = current.resolve(segments.get(i));
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(current, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        return new Refused(404, "no such file: " + urlPath(urlPrefix, segments, i + 1));
      } catch (AccessDeniedException e) {
        return new Refused(403, "not accessible: " + urlPath(urlPrefix, segments, i + 1));
      } catch (IOException e) {
        return new Refused(404, "cannot inspect " + urlPath(urlPrefix, segments, i + 1));
      }
      if (attributes.isDirectory()) {
        continue;
      }
      String name = urlPath(urlPrefix, segments, i + 1);
      if (!attributes.isRegularFile()) {
        return new Refused(403, "not a regular file: " + name);
      }
      if (!inside(realDir, current, followSymlinksOutside)) {
        return new Refused(403, "links outside its directory: " + name);
      }
      List<String> rest = segments.subList(i + 1, segments.size());
      if (runs.test(segments.get(i))) {
        return new Run(new Resolution.Found(real(current), name,
            ScriptResolver.pathInfo(rest, trailingSlash)));
      }
      if (!rest.isEmpty()) {
        return new Refused(404, "no such file: " + urlPath(urlPrefix, segments, segments.size())
            + " (" + name + " is a static file, not a program that takes PATH_INFO)");
      }
      return new Static(current);
    }
    String dirUrl = urlPath(urlPrefix, segments, segments.size());
    dirUrl = dirUrl.endsWith("/") ? dirUrl : dirUrl + "/";
    if (!trailingSlash && !dirUrl.equals("/")) {
      // The mount's own URL too: /app serves nothing, /app/ its index, so relative links work.
      return new DirectoryRedirect(dirUrl);
    }
    if (!inside(realDir, current, followSymlinksOutside)) {
      return new Refused(403, "links outside its directory: " + dirUrl);
    }
    for (String wanted : indexFiles) {
      String index = wanted;
      if (caseInsensitive) {
        CaseFolding.Folded folded = CaseFolding.fold(current, List.of(wanted));
        if (folded instanceof CaseFolding.Ambiguous ambiguous) {
          return new Refused(409, ambiguous.reason());
        }
        index = ((CaseFolding.Names) folded).segments().get(0);
      }
      Path file = current.resolve(index);
      if (!Files.isRegularFile(file) || !inside(realDir, file, followSymlinksOutside)) {
        continue;
      }
      if (runs.test(index)) {
        return new Run(new Resolution.Found(real(file), dirUrl + index, ""));
      }
      return new Static(file);
    }
    return new Refused(404, "a directory without an index file: " + dirUrl);
  }

  private static boolean inside(Path realDir, Path file, boolean followSymlinksOutside) {
    return followSymlinksOutside || real(file).startsWith(realDir);
  }

  private static Path real(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize();
    }
  }

  /** @return the URL path of the first {@code count} segments under the prefix */
  private static String urlPath(String urlPrefix, List<String> segments, int count) {
    String prefix = urlPrefix.endsWith("/") ? urlPrefix : urlPrefix + "/";
    return prefix + String.join("/", segments.subList(0, count));
  }
}
