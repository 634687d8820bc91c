package io.cgiguard.launch.common;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Symbolic names of the Linux errno values a spawn can fail with, so that a {@code SpawnError}
 * says {@code ENOEXEC} rather than a bare 8 (values from errno(3), asm-generic).
 */
public final class Errno {
  public static final int ENOENT = 2;
  public static final int EIO = 5;
  public static final int E2BIG = 7;
  public static final int ENOEXEC = 8;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int ENOTDIR = 20;
  public static final int ENFILE = 23;
  public static final int EMFILE = 24;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(1, "EPERM"),
          Map.entry(2, "ENOENT"),
          Map.entry(3, "ESRCH"),
          Map.entry(4, "EINTR"),
          Map.entry(5, "EIO"),
          Map.entry(7, "E2BIG"),
          Map.entry(8, "ENOEXEC"),
          Map.entry(9, "EBADF"),
          Map.entry(10, "ECHILD"),
          Map.entry(11, "EAGAIN"),
          Map.entry(12, "ENOMEM"),
          Map.entry(13, "EACCES"),
          Map.entry(14, "EFAULT"),
          Map.entry(16, "EBUSY"),
          Map.entry(20, "ENOTDIR"),
          Map.entry(21, "EISDIR"),
          Map.entry(22, "EINVAL"),
          Map.entry(23, "ENFILE"),
          Map.entry(24, "EMFILE"),
          Map.entry(26, "ETXTBSY"),
          Map.entry(36, "ENAMETOOLONG"),
          Map.entry(38, "ENOSYS"),
          Map.entry(40, "ELOOP"));

  /** The JDK reports a failed exec as "...: error=2, No such file or directory". */
  private static final Pattern JDK_ERROR = Pattern.compile("error=(\\d+)");

  private Errno() {}

  /** @return the symbolic name of {@code errno}, or {@code UNKNOWN} */
  public static String name(int errno) {
    return NAMES.getOrDefault(errno, "UNKNOWN");
  }

  /**
   * The JDK names a full descriptor table only by strerror's text: "Too many open files" for
   * {@code EMFILE} (this process's RLIMIT_NOFILE), "Too many open files in system" for {@code
   * ENFILE} (the machine's fs.file-max).
   *
   * @return {@link #EMFILE} or {@link #ENFILE} when {@code failure}, or an exception it was caused
   *     by, is an {@link IOException} for a full descriptor table; else empty
   */
  public static OptionalInt descriptorShortage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException) {
        String text = t instanceof FileSystemException fs && fs.getReason() != null
            ? fs.getReason() : String.valueOf(t.getMessage());
        if (text.contains("Too many open files in system")) {
          return OptionalInt.of(ENFILE);
        }
        if (text.contains("Too many open files")) {
          return OptionalInt.of(EMFILE);
        }
      }
    }
    return OptionalInt.empty();
  }

  /** @return the errno inside a JDK exception message such as {@code error=13, Permission denied} */
  public static OptionalInt fromJdkMessage(String message) {
    if (message == null) {
      return OptionalInt.empty();
    }
    Matcher matcher = JDK_ERROR.matcher(message);
    return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
  }
}
