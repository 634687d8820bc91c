package io.cgiguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cgiguard}: the entry point of the jar. */
@Command(
    name = "cgiguard",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "A CGI gateway that knows what happened to every script it started.",
    subcommands = {ServeCommand.class, RunCommand.class, CheckCommand.class, LoadCommand.class,
        ImportIisCommand.class, ReloadCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status. */
  public static int execute(String... args) {
    return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err,
        true), args);
  }

  /** Runs the command line with its messages going to {@code out} and {@code err}. */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine line = new CommandLine(new Main());
    line.setOut(out);
    line.setErr(err);
    line.setExecutionExceptionHandler(new FailureReporter());
    line.setParameterExceptionHandler((e, commandArgs) -> {
      err.println("cgiguard: " + e.getMessage());
      err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return 2;
    });
    return line.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
