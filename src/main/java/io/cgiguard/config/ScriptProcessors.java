package io.cgiguard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * IIS-style script processor templates: {@code "C:\Perl\bin\perl.exe" %s %s} becomes an argv
 * template whose {@code %s} elements stand for the script and for search-query arguments. Split
 * into an array once, here; never handed to a shell.
 */
public final class ScriptProcessors {

  /** The placeholder for the script path, and a second time for arguments. */
  public static final String PLACEHOLDER = "%s";

  private ScriptProcessors() {}

  /** Splits a template on white space, honouring double quotes; no other shell syntax. */
  public static List<String> split(String template) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean inWord = false;
    for (char c : template.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        inWord = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (inWord) {
          out.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(word.toString());
    }
    return List.copyOf(out);
  }

  /**
   * @return why {@code argv} may not be used as a script processor, or empty when it may: it must
   *     name a program, hold {@code %s} for the script once as a whole element, at most one more
   *     {@code %s} for arguments, and never run a command interpreter (the argument-injection
   *     shape of CVE-2019-0232)
   */
  public static Optional<String> check(List<String> argv) {
    if (argv.isEmpty()) {
      return Optional.of("must name a program, such as \"/usr/bin/perl %s\"");
    }
    String program = argv.get(0).toLowerCase(Locale.ROOT);
    String base = program.substring(Math.max(program.lastIndexOf('/'), program.lastIndexOf('\\')) + 1);
    if (List.of("cmd", "cmd.exe", "command.com", "sh", "bash", "dash", "zsh", "powershell",
        "powershell.exe", "pwsh").contains(base)) {
      return Optional.of("'" + argv.get(0) + "' is a command interpreter: a script processor that "
          + "hands the request to a shell allows argument injection (CVE-2019-0232); "
          + "name the script's own interpreter instead");
    }
    long placeholders = argv.stream().filter(PLACEHOLDER::equals).count();
    boolean embedded = argv.stream().anyMatch(a -> !a.equals(PLACEHOLDER) && a.contains("%"));
    if (embedded) {
      return Optional.of("'%' may appear only as a whole %s argument, not inside another argument");
    }
    if (placeholders > 2) {
      return Optional.of("has " + placeholders + " %s placeholders; at most two are allowed "
          + "(the script, then search-query arguments)");
    }
    return Optional.empty();
  }
}
