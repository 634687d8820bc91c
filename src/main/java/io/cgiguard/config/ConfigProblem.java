package io.cgiguard.config;

/**
 * One thing wrong with a configuration file, or with a value a command-line flag gave instead.
 *
 * @param key the dotted key, such as {@code server.port} or {@code mount[1].dir}; or the flag,
 *     such as {@code --cgi-bin}, when the value came from the command line
 * @param line the 1-based line in the file, or 0 when not known (a key that is missing) or when
 *     the value came from the command line
 * @param message what is wrong and what is expected
 */
public record ConfigProblem(String key, int line, String message) {

  /** @return whether the value came from a command-line flag rather than from the file */
  public boolean onCommandLine() {
    return line == 0 && key.startsWith("--");
  }
}
