package io.cgiguard.cli;

import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import io.cgiguard.load.DirectLoad;
import io.cgiguard.load.Expectations;
import io.cgiguard.load.HistogramCodec;
import io.cgiguard.load.HtmlReport;
import io.cgiguard.load.JsonReport;
import io.cgiguard.load.LiveFigures;
import io.cgiguard.load.LoadPlan;
import io.cgiguard.load.LoadResult;
import io.cgiguard.load.LoadRun;
import io.cgiguard.load.ProgressLine;
import io.cgiguard.load.TextSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cgiguard load}: drives a URL (or, with {@code --direct}, a script through the launcher)
 * and reports throughput, latency percentiles and every failure by category. The exit status is
 * 0, or 1 when the failure rate exceeds {@code --max-failure-rate} (a CI gate), or 2 for bad
 * flags.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Load-test a CGI endpoint and name every failure.",
    sortOptions = false, subcommands = LoadMergeCommand.class)
public final class LoadCommand implements Callable<Integer> {

  /** Exit status when the failure rate passed {@code --max-failure-rate}. */
  public static final int EXIT_TOO_MANY_FAILURES = 1;
  /** Exit status for a flag or argument that makes no sense; picocli's own choice too. */
  public static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "URL", description = "http:// URL to load")
  String url;

  @Option(names = {"-c", "--connections"}, description = "concurrent connections (default 8)")
  int connections = 8;

  @Option(names = {"-n", "--requests"}, description = "stop after this many requests")
  long requests;

  @Option(names = {"-d", "--duration"}, converter = DurationConverter.class,
      description = "stop after this long, such as 30s (default 10s without -n); SIGINT "
          + "(Ctrl-C) or SIGTERM stops sooner and still prints the summary")
  Duration duration;

  @Option(names = "--rate", converter = RateConverter.class,
      description = "open loop at this rate, such as 200/s; latency from the intended send time")
  Double rate;

  @Option(names = {"-m", "--method"}, description = "request method (default GET)")
  String method = "GET";

  @Option(names = {"-H", "--header"}, description = "extra header 'Name: value' (repeatable)")
  List<String> headers = new ArrayList<>();

  @Option(names = "--body", paramLabel = "FILE", description = "send this file as the body")
  Path bodyFile;

  @Option(names = "--timeout", converter = DurationConverter.class,
      description = "per-request timeout (default 10s)")
  Duration timeout = Duration.ofSeconds(10);

  @Option(names = "--warmup", converter = DurationConverter.class,
      description = "send for this long before measuring (default 0)")
  Duration warmup = Duration.ZERO;

  @Option(names = "--expect-status", split = ",", paramLabel = "CODE",
      description = "accepted statuses (default: any below 400)")
  List<Integer> expectStatus = new ArrayList<>();

  @Option(names = "--expect-body", paramLabel = "REGEX",
      description = "the body must contain a match")
  String expectBody;

  @Option(names = "--json", paramLabel = "FILE", description = "write every figure as JSON")
  Path jsonFile;

  @Option(names = "--html", paramLabel = "FILE", description = "write an HTML report with charts")
  Path htmlFile;

  @Option(names = "--direct", paramLabel = "SCRIPT",
      description = "launch SCRIPT through the launcher, -c at a time, without HTTP")
  Path directScript;

  @Option(names = "--max-failure-rate", converter = FractionConverter.class,
      description = "exit 1 when failures/requests exceed this, such as 0.01 or 1%% (default 1)")
  double maxFailureRate = 1.0;

  @Option(names = {"-q", "--quiet"}, description = "no progress line")
  boolean quiet;

  @Option(names = "--find-max-rate",
      description = "step an open-loop rate up, then bisect, to the highest that holds --slo")
  boolean findMaxRate;

  @Option(names = "--slo", paramLabel = "OBJECTIVE",
      description = "for --find-max-rate, such as 'p99<200ms,failures<0.1%%'")
  String slo;

  @Option(names = "--hdr-log", paramLabel = "FILE",
      description = "write the latency histogram in HdrHistogram's log format")
  Path hdrLog;

  @Option(names = "--replay", arity = "1..*", paramLabel = "FILE",
      description = "send the requests of IIS W3C or Apache combined logs to URL, and compare "
          + "the old statuses with the new")
  List<Path> replayLogs;

  @Option(names = "--replay-methods", split = ",", paramLabel = "METHOD",
      description = "methods to replay (default GET,HEAD; unsafe methods only when named)")
  List<String> replayMethods = new ArrayList<>(List.of("GET", "HEAD"));

  @Option(names = "--speed", paramLabel = "FACTORx",
      description = "with --replay: the logged pace sped up by FACTOR, such as 1x or 10x")
  String speed;

  private final Supplier<Launcher> launchers;

  /** A command whose {@code --direct} mode uses {@code launchers} to get its launcher. */
  public LoadCommand(Supplier<Launcher> launchers) {
    this.launchers = launchers;
  }

  /** A command with the platform's default launcher for {@code --direct}. */
  public LoadCommand() {
    this(Launchers::create);
  }

  /** Runs {@code cgiguard load} alone, as the benchmark script does. */
  public static void main(String[] args) {
    System.exit(commandLine(new LoadCommand()).execute(args));
  }

  /** @return a command line that reports a bad flag in one line and exits {@link #EXIT_USAGE} */
  public static CommandLine commandLine(LoadCommand command) {
    CommandLine line = new CommandLine(command);
    line.setParameterExceptionHandler((problem, args) -> {
      problem.getCommandLine().getErr().println(
          "cgiguard load: " + problem.getMessage() + " (see --help)");
      return EXIT_USAGE;
    });
    return line;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    checkOutputFiles();
    if (replayLogs != null) {
      return new LoadReplay(this).call();
    }
    if (findMaxRate || slo != null) {
      return MaxRateSearch.run(this);
    }
    long startMillis = System.currentTimeMillis();
    LoadResult result = directScript != null ? runDirect() : runHttp();
    out.print(TextSummary.render(result));
    out.flush();
    writeReports(result);
    if (hdrLog != null) {
      HistogramCodec.writeLog(result, startMillis, hdrLog);
    }
    if (result.failureRate() > maxFailureRate) {
      spec.commandLine().getErr().printf(Locale.ROOT,
          "cgiguard load: failure rate %.4f exceeds --max-failure-rate %.4f%n",
          result.failureRate(), maxFailureRate);
      return EXIT_TOO_MANY_FAILURES;
    }
    return 0;
  }

  @SuppressWarnings("try") // the progress line only has to end with the run
  private LoadResult runHttp() throws InterruptedException {
    LoadRun run = new LoadRun(plan());
    // Ctrl-C (SIGINT) or SIGTERM ends the run early: requests in flight finish and the summary
    // still prints. (A shell starts background jobs with SIGINT ignored, hence SIGTERM too.)
    Signals.Restore interrupt = Signals.during("INT", run::stopSending);
    Signals.Restore terminate = Signals.during("TERM", run::stopSending);
    try (ProgressLine progress = progress(run)) {
      return run.run();
    } finally {
      terminate.close();
      interrupt.close();
    }
  }

  @SuppressWarnings("try") // the progress line only has to end with the run
  private LoadResult runDirect() throws InterruptedException {
    if (url != null || rate != null) {
      throw usage("--direct takes a script instead of a URL, and no --rate");
    }
    if (!Files.isRegularFile(directScript)) {
      throw usage("--direct: no such file " + directScript);
    }
    Duration stopAfter = stopDuration();
    try (Launcher launcher = launchers.get()) {
      DirectLoad load = new DirectLoad(launcher, directScript, checkedConnections(), requests,
          stopAfter, timeout);
      try (ProgressLine progress = progress(load)) {
        return load.run();
      }
    }
  }

  LoadPlan plan() {
    if (url == null) {
      throw usage("give a URL to load, or --direct SCRIPT");
    }
    try {
      return new LoadPlan(target(), method.toUpperCase(Locale.ROOT), headers, body(),
          checkedConnections(), requests, stopDuration(), rate == null ? 0 : rate, timeout,
          warmup, expectations(), LoadPlan.DEFAULT_RETAIN_BODY_BYTES);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  URI target() {
    URI target;
    try {
      target = new URI(url);
    } catch (URISyntaxException e) {
      throw usage("not a URL: " + url);
    }
    if (target.getPort() == 0 || target.getPort() > 65535) {
      throw usage("the URL's port must be from 1 to 65535: " + url);
    }
    return target;
  }

  /** Before any request: a report that cannot be written would throw the whole run away. */
  private void checkOutputFiles() {
    for (Path file : new Path[] {jsonFile, htmlFile, hdrLog}) {
      if (file != null) {
        OutputFile.problem(file).ifPresent(problem -> {
          throw usage(problem);
        });
      }
    }
  }

  private byte[] body() {
    if (bodyFile == null) {
      return new byte[0];
    }
    try {
      return Files.readAllBytes(bodyFile);
    } catch (IOException e) {
      throw usage("--body: cannot read " + bodyFile + ": " + e.getMessage());
    }
  }

  Expectations expectations() {
    Optional<Pattern> body = Optional.empty();
    if (expectBody != null) {
      try {
        body = Optional.of(Pattern.compile(expectBody));
      } catch (PatternSyntaxException e) {
        throw usage("--expect-body: " + e.getDescription() + " in " + expectBody);
      }
    }
    return new Expectations(Set.copyOf(expectStatus), body);
  }

  int checkedConnections() {
    if (connections < 1) {
      throw usage("--connections must be at least 1");
    }
    return connections;
  }

  private Duration stopDuration() {
    if (requests < 0) {
      throw usage("--requests must not be negative");
    }
    return duration == null && requests == 0 ? Duration.ofSeconds(10) : duration;
  }

  ProgressLine progress(LiveFigures figures) {
    return quiet ? null : new ProgressLine(figures, System.err);
  }

  private void writeReports(LoadResult result) throws IOException {
    if (jsonFile != null) {
      JsonReport.write(result, jsonFile);
    }
    if (htmlFile != null) {
      HtmlReport.write(result, htmlFile);
    }
  }

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
