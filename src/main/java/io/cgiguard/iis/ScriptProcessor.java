package io.cgiguard.iis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An IIS {@code scriptProcessor} template, judged against cgiguard's hardening rules. The only
 * accepted forms are an interpreter followed by exactly one {@code %s} (the script's path) and,
 * optionally, a second {@code %s} (the words of an RFC 3875 section 4.4 "search" query, which
 * stay disabled unless {@code [arguments]} enables them). IIS's quoting ({@code "%s"}) is
 * stripped, since cgiguard builds an argv array and never a command string.
 */
public sealed interface ScriptProcessor {

  /** A template cgiguard can run: the Windows program and whether it asked for arguments. */
  record Accepted(String windowsProgram, boolean wantsArguments) implements ScriptProcessor {}

  /** A template cgiguard will not run, and why. */
  record Refused(String reason) implements ScriptProcessor {}

  /** Programs that would re-parse their arguments as a command line. */
  Set<String> SHELLS = Set.of("cmd.exe", "cmd", "command.com", "powershell.exe", "pwsh.exe",
      "wscript.exe", "cscript.exe");

  /**
   * Judges {@code template} for a handler mapping of {@code handlerPath} ("*.pl").
   */
  static ScriptProcessor parse(String template, String handlerPath) {
    String lowerPath = handlerPath.toLowerCase(Locale.ROOT);
    if (lowerPath.endsWith(".bat") || lowerPath.endsWith(".cmd")) {
      return new Refused("batch files run through cmd.exe, which re-parses the query as a "
          + "command line (CVE-2019-0232-style argument injection)");
    }
    List<String> tokens = tokens(template.trim());
    if (tokens.isEmpty()) {
      return new Refused("empty scriptProcessor");
    }
    String program = PathMap.expand(tokens.get(0));
    String base = baseName(program).toLowerCase(Locale.ROOT);
    if (SHELLS.contains(base)) {
      return new Refused("the script processor is a command shell (" + base + "), which "
          + "re-parses its arguments as a command line (CVE-2019-0232-style argument injection)");
    }
    List<String> rest = tokens.subList(1, tokens.size());
    // The interpreter alone (scriptProcessor="C:\PHP\php-cgi.exe", the standard PHP mapping):
    // IIS starts it for the script, which cgiguard names as its one argument.
    if (rest.isEmpty() || rest.equals(List.of("%s"))) {
      return new Accepted(program, false);
    }
    if (rest.equals(List.of("%s", "%s"))) {
      return new Accepted(program, true);
    }
    return new Refused("only \"%s\" (the script) and an optional second %s (its arguments) may "
        + "follow the interpreter, found '" + String.join(" ", rest) + "'; anything else could "
        + "change how the command line is read (quote a program path that has spaces)");
  }

  /** The program of a template (its first token, unquoted), whatever follows it. */
  static String program(String template) {
    List<String> tokens = tokens(template.trim());
    return tokens.isEmpty() ? "" : PathMap.expand(tokens.get(0));
  }

  /** The last component of a Windows or POSIX path. */
  static String baseName(String path) {
    int slash = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
    return path.substring(slash + 1);
  }

  /** Splits on blanks; a double-quoted run is one token, its quotes removed. */
  private static List<String> tokens(String template) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    boolean inToken = false;
    for (char c : template.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        inToken = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (inToken) {
          tokens.add(current.toString());
          current.setLength(0);
          inToken = false;
        }
      } else {
        current.append(c);
        inToken = true;
      }
    }
    if (inToken) {
      tokens.add(current.toString());
    }
    return tokens;
  }
}
