package io.cgiguard.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used; carries every problem found in one pass. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final List<ConfigProblem> problems;

  public ConfigException(String file, List<ConfigProblem> problems) {
    super(describe(file, problems));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  /** @return the file's name as the user gave it */
  public String file() {
    return file;
  }

  /** @return every problem, in file order */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String describe(String file, List<ConfigProblem> problems) {
    return problems.stream()
        .map(p -> (p.onCommandLine() ? "" : file + (p.line() > 0 ? ":" + p.line() : "") + ": ")
            + p.key() + ": " + p.message())
        .collect(Collectors.joining(System.lineSeparator()));
  }
}
