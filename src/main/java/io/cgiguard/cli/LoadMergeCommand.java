package io.cgiguard.cli;

import io.cgiguard.load.HtmlReport;
import io.cgiguard.load.JsonReport;
import io.cgiguard.load.LoadMerge;
import io.cgiguard.load.LoadResult;
import io.cgiguard.load.TextSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cgiguard load merge RUN.json...}: one report for runs taken side by side on several
 * machines, with percentiles from their summed histograms.
 */
@Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Combine the JSON reports of runs taken at the same time into one report.")
final class LoadMergeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "RUN.json",
      description = "reports written by cgiguard load --json")
  List<Path> runs = new ArrayList<>();

  @Option(names = "--json", paramLabel = "FILE", description = "write the merged figures as JSON")
  Path jsonFile;

  @Option(names = "--html", paramLabel = "FILE", description = "write the merged HTML report")
  Path htmlFile;

  @Override
  public Integer call() throws IOException {
    for (Path file : new Path[] {jsonFile, htmlFile}) {
      if (file != null) {
        java.util.Optional<String> problem = OutputFile.problem(file);
        if (problem.isPresent()) {
          throw new ParameterException(spec.commandLine(), problem.get());
        }
      }
    }
    List<LoadResult> results = new ArrayList<>();
    for (Path run : runs) {
      try {
        results.add(LoadMerge.read(run));
      } catch (IllegalArgumentException | IOException e) {
        throw new ParameterException(spec.commandLine(), "cannot read " + run + ": "
            + e.getMessage());
      }
    }
    LoadResult merged = LoadMerge.merge(results);
    PrintWriter out = spec.commandLine().getOut();
    out.print(TextSummary.render(merged));
    out.flush();
    if (jsonFile != null) {
      JsonReport.write(merged, jsonFile);
    }
    if (htmlFile != null) {
      HtmlReport.write(merged, htmlFile);
    }
    return 0;
  }
}
