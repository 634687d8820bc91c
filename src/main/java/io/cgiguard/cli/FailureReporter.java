package io.cgiguard.cli;

import io.cgiguard.config.ConfigException;
import java.io.PrintWriter;
import java.net.BindException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the exceptions a command may end with into what a person reads: a configuration's every
 * problem, one line for a usage or start-up problem, a stack trace only for a real bug.
 */
final class FailureReporter implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine line, ParseResult parsed) {
    PrintWriter err = line.getErr();
    if (e instanceof ConfigException config) {
      err.println("cgiguard: invalid configuration:");
      err.println(config.getMessage());
      return 2;
    }
    if (e instanceof UsageException usage) {
      err.println("cgiguard: " + usage.getMessage());
      return 2;
    }
    if (e instanceof BindException bind) {
      err.println("cgiguard: " + bind.getMessage());
      return 1;
    }
    err.println("cgiguard: internal error, please report it: " + e);
    e.printStackTrace(err);
    return 70;
  }
}
