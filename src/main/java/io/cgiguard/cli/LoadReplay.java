package io.cgiguard.cli;

import io.cgiguard.load.ProgressLine;
import io.cgiguard.load.ReplayDiff;
import io.cgiguard.load.ReplayLog;
import io.cgiguard.load.ReplayReport;
import io.cgiguard.load.ReplayRun;
import io.cgiguard.load.ReplaySchedule;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code cgiguard load URL --replay FILE...}: the requests an old server logged, sent to the new
 * one, with every URL whose class of answer changed listed. Only GET and HEAD go unless
 * {@code --replay-methods} names more.
 */
final class LoadReplay implements Callable<Integer> {

  private final LoadCommand command;

  LoadReplay(LoadCommand command) {
    this.command = command;
  }

  @Override
  @SuppressWarnings("try") // the progress line only has to end with the run
  public Integer call() throws Exception {
    if (command.url == null) {
      throw command.usage("--replay needs the new server's base URL, such as "
          + "http://127.0.0.1:8080/");
    }
    if (command.directScript != null || command.requests != 0 || command.duration != null) {
      throw command.usage("--replay sends every logged request once: it takes no --direct, "
          + "-n or -d");
    }
    if (command.rate != null && command.speed != null) {
      throw command.usage("--rate and --speed both set the pace: give one");
    }
    Set<String> methods = command.replayMethods.stream()
        .map(m -> m.trim().toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
    for (String method : methods) {
      if (!method.matches("[A-Z]{1,20}")) {
        throw command.usage("--replay-methods: '" + method + "' is not a method");
      }
    }
    ReplayLog.Parsed parsed;
    try {
      parsed = ReplayLog.read(command.replayLogs);
    } catch (IOException e) {
      throw command.usage("--replay: cannot read " + e.getMessage());
    }
    List<ReplayLog.Entry> sent = new ArrayList<>();
    TreeMap<String, Long> skipped = new TreeMap<>();
    for (ReplayLog.Entry entry : parsed.entries()) {
      if (methods.contains(entry.method())) {
        sent.add(entry);
      } else {
        skipped.merge(entry.method(), 1L, Long::sum);
      }
    }
    List<Duration> offsets;
    String pace;
    if (command.speed != null) {
      double factor = speed(command.speed);
      offsets = ReplaySchedule.recordedPace(sent, factor);
      pace = "the logged pace at " + command.speed;
    } else if (command.rate != null) {
      offsets = ReplaySchedule.atRate(sent, command.rate);
      pace = String.format(Locale.ROOT, "%.1f/s", command.rate);
    } else {
      offsets = ReplaySchedule.asFastAsPossible(sent);
      pace = "as fast as " + command.checkedConnections() + " connection(s) allow";
    }
    ReplayRun run = new ReplayRun(command.target(), sent, offsets, command.checkedConnections(),
        command.timeout, command.expectations(), command.rate == null ? 0 : command.rate);
    ReplayDiff diff;
    try (ProgressLine progress = command.progress(run)) {
      diff = run.run();
    }
    ReplayReport report = new ReplayReport(diff, parsed.entries().size(), skipped,
        parsed.malformed(), parsed.examples(), pace);
    PrintWriter out = command.spec.commandLine().getOut();
    out.print(report.text());
    out.flush();
    if (command.jsonFile != null) {
      report.writeJson(command.jsonFile);
    }
    if (command.htmlFile != null) {
      report.writeHtml(command.htmlFile);
    }
    if (diff.figures().failureRate() > command.maxFailureRate) {
      command.spec.commandLine().getErr().printf(Locale.ROOT,
          "cgiguard load: failure rate %.4f exceeds --max-failure-rate %.4f%n",
          diff.figures().failureRate(), command.maxFailureRate);
      return LoadCommand.EXIT_TOO_MANY_FAILURES;
    }
    return 0;
  }

  private double speed(String text) {
    String number = text.endsWith("x") || text.endsWith("X")
        ? text.substring(0, text.length() - 1) : text;
    try {
      double factor = Double.parseDouble(number);
      if (factor > 0 && factor <= 1_000_000 && Double.isFinite(factor)) {
        return factor;
      }
    } catch (NumberFormatException e) {
      // Reported below, with the text.
    }
    throw command.usage("--speed: '" + text + "' is not a factor such as 1x or 10x");
  }
}
