package io.cgiguard.launch.common;

import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.SpawnError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the file to execute for {@code argv[0]} the way execvp(3) would, but on the {@code PATH}
 * of the script's environment: the gateway's own {@code PATH} must never decide what a script
 * runs (the JDK and posix_spawnp both search the parent's).
 */
public sealed interface ProgramLookup {

  /** The executable to pass to exec. */
  record Found(Path program) implements ProgramLookup {}

  /** Nothing executable by that name. */
  record NotFound(SpawnError error) implements ProgramLookup {}

  /** execvp's default search path when the environment has no {@code PATH}. */
  String DEFAULT_PATH = "/bin:/usr/bin";

  /**
   * Resolves {@code argv[0]} of {@code spec}. A name with a slash is taken as is, relative to the
   * script's working directory; a bare name is searched on the spec's {@code PATH}, where an
   * existing but non-executable match gives EACCES as execvp does, and no match gives ENOENT.
   */
  static ProgramLookup resolve(LaunchSpec spec) {
    return resolve(spec.argv().get(0), spec.environment(), spec.workingDirectory());
  }

  /**
   * Resolves {@code name} as the launcher would for a script run in {@code workingDirectory} with
   * {@code environment}: the one lookup behind the launchers, the list of allowed programs and the
   * diagnosis of a missing interpreter, so that what is checked is what runs.
   */
  static ProgramLookup resolve(String name, Map<String, String> environment,
      Path workingDirectory) {
    if (name.isEmpty()) {
      return notFound(Errno.ENOENT, name, "empty program name");
    }
    if (name.indexOf('/') >= 0) {
      return new Found(workingDirectory.resolve(name).toAbsolutePath());
    }
    String path = environment.getOrDefault("PATH", DEFAULT_PATH);
    boolean sawNonExecutable = false;
    for (String dir : path.split(":", -1)) {
      Path base = dir.isEmpty() ? workingDirectory : workingDirectory.resolve(dir);
      Path candidate = base.resolve(name).toAbsolutePath();
      if (Files.isRegularFile(candidate)) {
        if (Files.isExecutable(candidate)) {
          return new Found(candidate);
        }
        sawNonExecutable = true;
      }
    }
    return sawNonExecutable
        ? notFound(Errno.EACCES, name, "found on PATH but not executable")
        : notFound(Errno.ENOENT, name, "not found on the script's PATH " + path);
  }

  private static NotFound notFound(int errno, String name, String why) {
    String message = "cannot start \"" + name + "\": " + Errno.name(errno) + ", " + why;
    return new NotFound(new SpawnError(errno, Errno.name(errno), message));
  }
}
