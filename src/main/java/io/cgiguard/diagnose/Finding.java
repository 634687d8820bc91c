package io.cgiguard.diagnose;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing {@link ScriptInspection} found wrong with a script file, before or without running it.
 *
 * @param kind what was found
 * @param detail the specifics, such as the interpreter that does not exist
 * @param subject the file or directory the finding is about, when it is not the script itself
 */
public record Finding(Kind kind, String detail, Optional<Path> subject) {

  public Finding {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(subject, "subject");
  }

  /** A finding about the script itself. */
  public Finding(Kind kind, String detail) {
    this(kind, detail, Optional.empty());
  }

  /** What a finding is about; most map to the {@link Cause} they would produce at run time. */
  public enum Kind {
    SHEBANG_CR(Cause.SHEBANG_CR),
    SHEBANG_WINDOWS_PATH(Cause.SHEBANG_WINDOWS_PATH),
    MISSING_INTERPRETER(Cause.MISSING_INTERPRETER),
    NOT_EXECUTABLE(Cause.NOT_EXECUTABLE),
    NOEXEC_MOUNT(Cause.NOEXEC_MOUNT),
    /** Anyone may change the script or its directory: not a failure, a hole. */
    WORLD_WRITABLE(null);

    private final Cause cause;

    Kind(Cause cause) {
      this.cause = cause;
    }

    /** @return the cause this finding leads to when the script runs, if it leads to a failure */
    public Optional<Cause> cause() {
      return Optional.ofNullable(cause);
    }
  }
}
