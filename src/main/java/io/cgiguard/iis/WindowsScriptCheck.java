package io.cgiguard.iis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code cgiguard check} says about a script brought over from IIS: a Windows {@code #!}
 * line ({@code #!C:\Perl\bin\perl.exe}) or CRLF line endings, and which handler mapping will run
 * it. With a mapping both are harmless, since the mapping names the interpreter and the kernel
 * never reads the {@code #!} line; without one the kernel would look for an interpreter called
 * {@code C:\Perl\bin\perl.exe} (or {@code /usr/bin/perl\r}) and the spawn would fail.
 */
public final class WindowsScriptCheck {

  /** How much of the file is read: the first line and enough to see its line endings. */
  private static final int HEAD_BYTES = 4096;

  /**
   * A script with Windows traits.
   *
   * @param script the file
   * @param shebang its {@code #!} line when that names a Windows program, else null
   * @param crlf whether its first line ends in CR LF
   * @param mapping the handler mapping's path pattern that runs it, or null when none matches
   */
  public record Finding(Path script, String shebang, boolean crlf, String mapping) {

    /** Whether the script will run as it is. */
    public boolean runs() {
      return mapping != null || (shebang == null && !crlf);
    }

    /** One line for the check's report. */
    public String describe() {
      StringBuilder b = new StringBuilder(script.toString()).append(": ");
      if (shebang != null) {
        b.append("Windows #! line '").append(shebang).append("'");
      }
      if (crlf) {
        b.append(shebang != null ? ", " : "").append("CRLF line endings");
      }
      if (mapping != null) {
        return b.append("; runs through handler mapping ").append(mapping)
            .append(", which takes precedence over the #! line").toString();
      }
      return b.append("; no handler mapping matches, so the #! line decides and the script "
          + "will fail to start: add a [[mount.handler]] for it").toString();
    }
  }

  private WindowsScriptCheck() {}

  /**
   * Inspects {@code script} against a mount's handler path patterns, in order (first wins).
   *
   * @return empty when the script has neither a Windows #! line nor CRLF line endings
   */
  public static Optional<Finding> inspect(Path script, List<String> handlerPatterns)
      throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(script)) {
      head = in.readNBytes(HEAD_BYTES);
    }
    String text = new String(head, StandardCharsets.ISO_8859_1);
    int lf = text.indexOf('\n');
    String firstLine = lf < 0 ? text : text.substring(0, lf);
    boolean crlf = firstLine.endsWith("\r");
    String line = crlf ? firstLine.substring(0, firstLine.length() - 1) : firstLine;
    String shebang = isWindowsShebang(line) ? line.substring(2).trim() : null;
    if (shebang == null && !crlf) {
      return Optional.empty();
    }
    String name = script.getFileName().toString();
    String mapping = handlerPatterns.stream().filter(p -> matches(p, name)).findFirst()
        .orElse(null);
    return Optional.of(new Finding(script, shebang, crlf, mapping));
  }

  /** {@code #!C:\...}, {@code #!\\server\...} or {@code #!perl.exe}: nothing Linux can run. */
  static boolean isWindowsShebang(String line) {
    if (!line.startsWith("#!")) {
      return false;
    }
    String program = line.substring(2).trim().split("\\s+")[0];
    return program.matches("(?i)[a-z]:[\\\\/].*") || program.startsWith("\\")
        || program.toLowerCase(Locale.ROOT).endsWith(".exe");
  }

  /** IIS's handler path: a file name with {@code *} and {@code ?}, compared case-insensitively. */
  public static boolean matches(String pattern, String fileName) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
        .matcher(fileName).matches();
  }
}
