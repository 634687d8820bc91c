package io.cgiguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cgiguard}: the entry point of the jar. */
@Command(
    name = "cgiguard",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "A CGI gateway that knows what happened to every script it started.",
    subcommands = {ServeCommand.class, RunCommand.class, CheckCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status; used by tests too. */
  public static int execute(String... args) {
    CommandLine line = new CommandLine(new Main());
    line.setExecutionExceptionHandler(new FailureReporter());
    return line.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
