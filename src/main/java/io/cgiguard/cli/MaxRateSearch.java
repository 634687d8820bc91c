package io.cgiguard.cli;

import io.cgiguard.load.LoadPlan;
import io.cgiguard.load.LoadResult;
import io.cgiguard.load.LoadRun;
import io.cgiguard.load.ProgressLine;
import io.cgiguard.load.RateSearch;
import io.cgiguard.load.SearchReport;
import io.cgiguard.load.Slo;
import io.cgiguard.load.TextSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code cgiguard load --find-max-rate --slo ...}: one open-loop run per step of a
 * {@link RateSearch}, each as long as {@code -d} (5 s by default), the first at {@code --rate}
 * (10/s by default).
 */
final class MaxRateSearch {

  static final Duration DEFAULT_STEP = Duration.ofSeconds(5);
  static final double DEFAULT_START_RATE = 10;
  private static final long PAUSE_MILLIS = 1000;

  private MaxRateSearch() {}

  @SuppressWarnings("try") // the progress line only has to end with each step
  static int run(LoadCommand command) throws InterruptedException, IOException {
    if (!command.findMaxRate || command.slo == null) {
      throw command.usage("--find-max-rate and --slo go together, such as"
          + " --find-max-rate --slo 'p99<200ms,failures<0.1%'");
    }
    if (command.directScript != null || command.requests > 0) {
      throw command.usage("--find-max-rate drives a URL for -d per step; no --direct, no -n");
    }
    Slo objective;
    try {
      objective = Slo.parse(command.slo);
    } catch (IllegalArgumentException e) {
      throw command.usage("--slo: " + e.getMessage());
    }
    if (command.duration == null) {
      command.duration = DEFAULT_STEP;
    }
    double start = command.rate == null ? DEFAULT_START_RATE : command.rate;
    LoadPlan template = command.plan();
    PrintWriter out = command.spec.commandLine().getOut();
    RateSearch search = new RateSearch(objective, start, rate -> {
      LoadRun run = new LoadRun(new LoadPlan(template.target(), template.method(),
          template.headers(), template.body(), template.connections(), 0, template.duration(),
          rate, template.timeout(), template.warmup(), template.expectations(),
          template.retainBodyBytes()));
      LoadResult result;
      try (ProgressLine progress = command.progress(run)) {
        result = run.run();
      }
      out.printf(Locale.ROOT, "step %7.1f/s: %7.1f/s done, p99 %.1f ms, failures %.3f %%%s%n",
          rate, result.throughputPerSecond(), result.latencyMillisAt(99),
          100 * result.failureRate(), objective.broken(result).map(b -> " BROKE: " + b)
              .orElse(" held"));
      out.flush();
      return result;
    }, PAUSE_MILLIS);
    RateSearch.Outcome outcome = search.run();
    out.printf(Locale.ROOT, "max rate    %.1f/s holds %s%n", outcome.maxRatePerSecond(),
        objective.text());
    out.print(TextSummary.render(outcome.best().result()));
    out.flush();
    if (command.jsonFile != null) {
      SearchReport.writeJson(outcome, command.jsonFile);
    }
    if (command.htmlFile != null) {
      SearchReport.writeHtml(outcome, command.htmlFile);
    }
    return outcome.maxRatePerSecond() > 0 ? 0 : LoadCommand.EXIT_TOO_MANY_FAILURES;
  }
}
