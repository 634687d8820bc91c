package io.cgiguard.cgi;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * IIS's case-insensitive path matching on a case-sensitive file system: each request segment is
 * replaced by the one directory entry whose name equals it regardless of case. Two entries that
 * differ only in case make the request ambiguous; it is refused, never guessed.
 *
 * <p>Segments past the first one that names no entry, or that lies below a file (PATH_INFO), are
 * kept as they came.
 */
public final class CaseFolding {

  /** The outcome: the segments as they are spelled on disk, or why they could not be. */
  public sealed interface Folded {}

  /** @param segments the request's segments, each replaced by its spelling on disk */
  public record Names(List<String> segments) implements Folded {
    public Names {
      segments = List.copyOf(segments);
    }
  }

  /** @param reason which entries matched one segment */
  public record Ambiguous(String reason) implements Folded {}

  private CaseFolding() {}

  /**
   * @param realDir the directory the segments are relative to, symlinks resolved
   * @param segments decoded, checked segments (see {@link RequestPath.Decoded})
   */
  public static Folded fold(Path realDir, List<String> segments) {
    List<String> out = new ArrayList<>(segments.size());
    Path current = realDir;
    for (int i = 0; i < segments.size(); i++) {
      String wanted = segments.get(i);
      if (!Files.isDirectory(current)) {
        out.addAll(segments.subList(i, segments.size()));
        break;
      }
      List<String> matches = matches(current, wanted);
      if (matches.size() > 1) {
        return new Ambiguous("'" + wanted + "' matches " + matches.size() + " names that differ "
            + "only in case (" + String.join(", ", matches) + "); rename all but one");
      }
      if (matches.isEmpty()) {
        out.addAll(segments.subList(i, segments.size()));
        break;
      }
      out.add(matches.get(0));
      current = current.resolve(matches.get(0));
    }
    return new Names(out);
  }

  private static List<String> matches(Path dir, String wanted) {
    String lower = wanted.toLowerCase(Locale.ROOT);
    List<String> found = new ArrayList<>(1);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.toLowerCase(Locale.ROOT).equals(lower)) {
          found.add(name);
        }
      }
    } catch (IOException e) {
      // An unreadable directory folds nothing; the lookup that follows reports it.
      return List.of();
    }
    found.sort(null);
    return found;
  }
}
