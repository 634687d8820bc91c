package io.cgiguard.diagnose;

import io.cgiguard.launch.common.ProgramLookup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Looks at a script file without running it and lists what would make it fail or is unsafe: a
 * {@code #!} line with a CR or a Windows path, an interpreter that does not exist, a missing
 * execute bit, a world-writable file or directory, a noexec mount. Used by {@code cgiguard check}
 * and by the {@link Diagnoser}, which prefers a static finding to a guess from stderr.
 */
public final class ScriptInspection {

  /** The kernel reads at most this much of a {@code #!} line (BINPRM_BUF_SIZE on Linux 5.1+). */
  private static final int SHEBANG_MAX_BYTES = 256;

  private static final Pattern WINDOWS_PATH = Pattern.compile("^([A-Za-z]:)?[\\\\].*|^[A-Za-z]:.*");
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private ScriptInspection() {}

  /**
   * Inspects {@code script}.
   *
   * @param searchPath the {@code PATH} scripts get, colon-separated, for {@code #!/usr/bin/env X}
   * @return the findings, in the order a reader should fix them; empty when nothing is wrong
   */
  public static List<Finding> inspect(Path script, String searchPath) throws IOException {
    List<Finding> findings = new ArrayList<>();
    Optional<String> shebang = shebangLine(script);
    if (shebang.isPresent()) {
      findings.addAll(shebangFindings(shebang.get(), searchPath,
          script.toAbsolutePath().getParent()));
    }
    Optional<String> noexecMount = noexecMountPoint(script);
    // access(X_OK) also fails on a noexec mount, so there only the mode bits tell a missing bit.
    boolean executable = noexecMount.isPresent() ? hasExecuteBit(script)
        : Files.isExecutable(script);
    if (!executable) {
      findings.add(new Finding(Finding.Kind.NOT_EXECUTABLE, script + " has no execute permission"));
    }
    findings.addAll(worldWritable(script));
    noexecMount.ifPresent(mount -> findings.add(new Finding(
        Finding.Kind.NOEXEC_MOUNT, script + " is on " + mount + ", mounted noexec")));
    return List.copyOf(findings);
  }

  private static boolean hasExecuteBit(Path script) throws IOException {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(script);
      return mode.contains(PosixFilePermission.OWNER_EXECUTE)
          || mode.contains(PosixFilePermission.GROUP_EXECUTE)
          || mode.contains(PosixFilePermission.OTHERS_EXECUTE);
    } catch (UnsupportedOperationException notPosix) {
      return Files.isExecutable(script);
    }
  }

  /** @return the first line without its LF (a CR stays), if the file starts with {@code #!} */
  static Optional<String> shebangLine(Path script) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(script)) {
      head = in.readNBytes(SHEBANG_MAX_BYTES);
    }
    if (head.length < 2 || head[0] != '#' || head[1] != '!') {
      return Optional.empty();
    }
    int end = 0;
    while (end < head.length && head[end] != '\n') {
      end++;
    }
    return Optional.of(new String(head, 2, end - 2, StandardCharsets.ISO_8859_1));
  }

  /** @param line the {@code #!} line after the {@code #!}, without LF */
  private static List<Finding> shebangFindings(String line, String searchPath,
      Path workingDirectory) {
    List<Finding> findings = new ArrayList<>();
    boolean endsInCr = line.endsWith("\r");
    List<String> words = Arrays.asList(line.strip().split("[ \t]+"));
    if (words.isEmpty() || words.get(0).isEmpty()) {
      return findings;
    }
    String program = words.get(0);
    if (endsInCr) {
      findings.add(new Finding(Finding.Kind.SHEBANG_CR, crDetail(words)));
    }
    if (WINDOWS_PATH.matcher(program).matches()) {
      findings.add(new Finding(Finding.Kind.SHEBANG_WINDOWS_PATH,
          "the #! line names the Windows program " + program));
      return findings;
    }
    interpreter(words, searchPath, workingDirectory)
        .filter(found -> !found.exists)
        .ifPresent(missing -> findings.add(new Finding(Finding.Kind.MISSING_INTERPRETER,
            missing.description)));
    return findings;
  }

  private static String crDetail(List<String> words) {
    String last = words.get(words.size() - 1);
    boolean interpreterLast =
        words.size() == 1 || (words.size() == 2 && words.get(0).endsWith("/env"));
    return "the #! line ends in CR, so the "
        + (interpreterLast ? "interpreter" : "last argument")
        + " it names is `" + last + "\\r`";
  }

  private record Interpreter(String description, boolean exists) {}

  private static Optional<Interpreter> interpreter(List<String> words, String searchPath,
      Path workingDirectory) {
    Path program = Path.of(words.get(0));
    boolean env = program.getFileName() != null && program.getFileName().toString().equals("env");
    if (!env || !Files.isExecutable(program)) {
      return Optional.of(new Interpreter(
          "the interpreter " + program + " does not exist or is not executable",
          Files.isExecutable(program)));
    }
    Optional<String> name = words.stream().skip(1).filter(w -> !w.startsWith("-")).findFirst();
    if (name.isEmpty()) {
      return Optional.empty();
    }
    boolean found = ProgramLookup.resolve(name.get(), Map.of("PATH", searchPath), workingDirectory)
        instanceof ProgramLookup.Found;
    return Optional.of(new Interpreter(
        "the interpreter " + name.get() + " is not on the PATH scripts get (" + searchPath + ")",
        found));
  }

  private static List<Finding> worldWritable(Path script) throws IOException {
    List<Finding> findings = new ArrayList<>();
    Path parent = script.toAbsolutePath().getParent();
    for (Path path : parent == null ? List.of(script) : List.of(script, parent)) {
      try {
        if (Files.getPosixFilePermissions(path).contains(PosixFilePermission.OTHERS_WRITE)) {
          findings.add(new Finding(Finding.Kind.WORLD_WRITABLE,
              path + " is writable by every user, who could change what the gateway runs",
              Optional.of(path)));
        }
      } catch (UnsupportedOperationException notPosix) {
        return findings;
      }
    }
    return findings;
  }

  private static Optional<String> noexecMountPoint(Path script) {
    try {
      if (!Files.isReadable(MOUNTINFO)) {
        return Optional.empty();
      }
      return noexecMountPoint(Files.readString(MOUNTINFO), script.toRealPath());
    } catch (IOException unreadable) {
      // Without mountinfo the check cannot be made; the spawn error will still say EACCES.
      return Optional.empty();
    }
  }

  /**
   * Finds the mount that holds {@code realPath} in a {@code /proc/self/mountinfo} text (see
   * proc(5): field 5 is the mount point, field 6 the per-mount options) and says whether it is
   * noexec. The last, longest matching mount point wins, as later mounts hide earlier ones.
   *
   * @return the mount point when it is mounted noexec
   */
  static Optional<String> noexecMountPoint(String mountinfo, Path realPath) {
    String best = null;
    boolean bestNoexec = false;
    for (String line : mountinfo.split("\n")) {
      String[] fields = line.split(" ");
      if (fields.length < 6) {
        continue;
      }
      String mountPoint = unescapeOctal(fields[4]);
      if (realPath.startsWith(mountPoint)
          && (best == null || mountPoint.length() >= best.length())) {
        best = mountPoint;
        bestNoexec = Arrays.asList(fields[5].split(",")).contains("noexec");
      }
    }
    return bestNoexec ? Optional.of(best) : Optional.empty();
  }

  /** mountinfo writes space, tab, newline and backslash as {@code \040} and the like. */
  private static String unescapeOctal(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()
          && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
