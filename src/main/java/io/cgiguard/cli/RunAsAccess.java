package io.cgiguard.cli;

import io.cgiguard.launch.posix.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Whether the run-as user will reach a directory, judged from root before any drop: what
 * {@code serve} finds out only once it has become that user, so that {@code check} says it
 * first. Judged by the mode bits of the directory and of every directory above it (search
 * permission on each, read permission on the directory itself), as the kernel does for a user
 * and its groups; an access control list beyond the mode bits is not read.
 */
final class RunAsAccess {

  private RunAsAccess() {}

  /** @return whether {@code who} may list {@code dir} and reach what is in it */
  static boolean reaches(Privileges.Identity who, Path dir) {
    if (who.uid() == 0) {
      return true;
    }
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      return false;
    }
    Path at = real.getRoot();
    for (Path part : real) {
      if (!allows(who, at, 1)) {
        return false;
      }
      at = at.resolve(part);
    }
    return allows(who, at, 1) && allows(who, at, 4);
  }

  /** @param bit 4 for read, 1 for search, in the owner/group/other triplet that applies */
  private static boolean allows(Privileges.Identity who, Path path, int bit) {
    Map<String, Object> unix;
    try {
      unix = Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
    int mode = (Integer) unix.get("mode");
    int shift;
    if ((Integer) unix.get("uid") == who.uid()) {
      shift = 6;
    } else if (Arrays.stream(who.groups()).anyMatch(g -> g == (Integer) unix.get("gid"))) {
      shift = 3;
    } else {
      shift = 0;
    }
    return ((mode >> shift) & bit) != 0;
  }
}
