package io.cgiguard.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import picocli.CommandLine;

/**
 * What a command run in this JVM printed to {@code System.out}, and the status it ended with: for
 * the commands that print their report there rather than to picocli's writer, such as {@code
 * check}.
 *
 * @param status the command's exit status
 * @param text everything it printed to {@code System.out}
 */
record Printed(int status, String text) {

  /** Runs {@code cgiguard check --config toml}. */
  static Printed check(Path toml) {
    // CheckCommand prints to the System.out it finds when it is made.
    return by(() -> new CommandLine(new CheckCommand()).execute("--config", toml.toString()));
  }

  /** Runs {@code command} with {@code System.out} captured, and puts it back afterwards. */
  static Printed by(IntSupplier command) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = command.getAsInt();
    } finally {
      System.setOut(stdout);
    }
    return new Printed(status, printed.toString(StandardCharsets.UTF_8));
  }
}
