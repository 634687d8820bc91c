package io.cgiguard;

import java.nio.file.Path;
import java.util.List;

/**
 * The fixture scripts under {@code test-scripts/}, one directory per behaviour and one script per
 * behaviour in it. The test gateway mounts each directory at {@code /<directory>/}, so the
 * script {@code test-scripts/responses/env.pl} answers at {@code /responses/env.pl}.
 */
public final class TestScripts {

  /** The {@code test-scripts} directory, absolute. */
  public static final Path ROOT = Path.of(System.getProperty("cgiguard.project.dir", "."))
      .toAbsolutePath().normalize().resolve("test-scripts");

  /** The behaviour directories, each mounted by the test gateway under its own name. */
  public static final List<String> BEHAVIOURS = List.of("responses", "startup-failures",
      "before-headers", "after-headers", "intermittent", "processes", "resources", "security");

  private TestScripts() {}

  /** @return the fixture at {@code relative} (such as {@code "processes/exit-42.sh"}) */
  public static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  /** @return the absolute path of the fixture at {@code relative}, as a program to run */
  public static String program(String relative) {
    return path(relative).toString();
  }
}
