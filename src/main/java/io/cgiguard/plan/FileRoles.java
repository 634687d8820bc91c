package io.cgiguard.plan;

import io.cgiguard.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which files are programs and which are static, decided in one place for the gateway and for
 * {@code cgiguard check}: a file runs when a handler mapping names its interpreter, or when it has
 * an execute bit (the interpreter table alone never makes a file a program, as Apache and fcgiwrap
 * require); a file is served as a static file only when it is no script at all.
 */
public final class FileRoles {

  private static final Set<PosixFilePermission> EXECUTE = Set.of(PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

  private FileRoles() {}

  /** @return whether any of the file's execute bits is set */
  public static boolean hasExecuteBit(Path file) {
    try {
      return Files.getPosixFilePermissions(file).stream().anyMatch(EXECUTE::contains);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** @return whether {@code mapping} names the program that runs the file */
  public static boolean namesInterpreter(Optional<GatewayConfig.HandlerMapping> mapping) {
    return mapping.isPresent() && !mapping.get().scriptProcessor().isEmpty();
  }

  /**
   * @param urlName how the file is named in messages (its URL path, or its file path)
   * @return why a file found where programs run may not run, or empty when it may
   */
  public static Optional<String> notRunnable(Optional<GatewayConfig.HandlerMapping> mapping,
      Path file, String urlName) {
    if (namesInterpreter(mapping) || hasExecuteBit(file)) {
      return Optional.empty();
    }
    return Optional.of(urlName + " has no execute bit, so it is not a program here: chmod +x "
        + "it, or name its interpreter with a handler mapping ([[mount.handler]] "
        + "script-processor)");
  }

  /**
   * Whether a mount would run {@code file}, whatever URL reached it: it lies in a script directory,
   * or in a mapped mount whose mappings match its name. Both the link and the file it leads to are
   * looked at.
   *
   * @param realMountDirs the real directory of each of {@code mounts}, in order
   * @return why {@code file} is never served as a static file, or empty when no mount runs it
   */
  public static Optional<String> mountRuns(List<GatewayConfig.Mount> mounts,
      List<Path> realMountDirs, Path file) {
    Path link = realPath(file.toAbsolutePath().getParent()).resolve(file.getFileName());
    for (Path found : List.of(link, realPath(file))) {
      String name = found.getFileName().toString();
      for (int i = 0; i < mounts.size(); i++) {
        GatewayConfig.Mount mount = mounts.get(i);
        if (found.startsWith(realMountDirs.get(i))
            && (!mount.mapped() || ScriptCommand.mapping(mount, name).isPresent())) {
          return Optional.of("a mount runs this file as a program: its source is never served "
              + "as a static file");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A symlink is judged by its own name and by the name of the file it leads to, since what it
   * serves is that file: {@code notes.txt -> report.pl} is Perl source.
   *
   * @return why {@code file} may never be served as a static file, or empty when it may
   */
  public static Optional<String> staticRefusal(GatewayConfig.Site rules, Path file) {
    for (Path named : List.of(file, realPath(file))) {
      String name = named.getFileName().toString().toLowerCase(Locale.ROOT);
      for (String extension : rules.refuseExtensions()) {
        if (name.endsWith(extension)) {
          return Optional.of("a " + extension + " file is a script: its source is never served "
              + "as a static file");
        }
      }
    }
    if (rules.refuseExecutable() && hasExecuteBit(file)) {
      return Optional.of("the file has an execute bit, so it is a program: its source is never "
          + "served as a static file");
    }
    return Optional.empty();
  }

  /** @return the file a path leads to once symlinks are resolved, or the path when it cannot */
  public static Path realPath(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize();
    }
  }
}
