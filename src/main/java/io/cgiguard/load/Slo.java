package io.cgiguard.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service-level objective a step of {@code --find-max-rate} must hold, written as people write
 * it: {@code p99<200ms,failures<0.1%}. Latency terms name a percentile ({@code p50}, {@code
 * p99.9}) and a bound in {@code ms} or {@code s}; {@code failures} takes a percentage or a
 * fraction. Every term must hold.
 *
 * @param latencyBounds percentile and bound in milliseconds, in the order written
 * @param maxFailureRate the failure rate, 0 to 1, a step must stay below; 1 when not given
 * @param text the objective as written, for reports
 */
public record Slo(List<LatencyBound> latencyBounds, double maxFailureRate, String text) {

  private static final Pattern LATENCY =
      Pattern.compile("p(\\d{1,2}(?:\\.\\d+)?)\\s*<\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s)");
  private static final Pattern FAILURES =
      Pattern.compile("failures\\s*<\\s*(\\d+(?:\\.\\d+)?)\\s*(%)?");

  /** A latency percentile that must stay below a bound. */
  public record LatencyBound(double percentile, double millis) {}

  public Slo {
    latencyBounds = List.copyOf(latencyBounds);
  }

  /**
   * @return the objective {@code text} describes
   * @throws IllegalArgumentException naming the term that is not understood
   */
  public static Slo parse(String text) {
    List<LatencyBound> bounds = new ArrayList<>();
    double failures = 1;
    boolean any = false;
    for (String raw : text.split(",")) {
      String term = raw.trim().toLowerCase(Locale.ROOT);
      Matcher latency = LATENCY.matcher(term);
      Matcher failed = FAILURES.matcher(term);
      if (latency.matches()) {
        double percentile = Double.parseDouble(latency.group(1));
        double bound = Double.parseDouble(latency.group(2));
        bounds.add(new LatencyBound(percentile, "s".equals(latency.group(3)) ? bound * 1000
            : bound));
      } else if (failed.matches()) {
        double value = Double.parseDouble(failed.group(1));
        failures = failed.group(2) != null ? value / 100 : value;
        if (failures > 1) {
          throw new IllegalArgumentException("'" + raw.trim() + "': a failure rate above 100 %");
        }
      } else {
        throw new IllegalArgumentException("'" + raw.trim() + "' is not an objective such as"
            + " p99<200ms or failures<0.1%");
      }
      any = true;
    }
    if (!any) {
      throw new IllegalArgumentException("an empty objective; try 'p99<200ms,failures<0.1%'");
    }
    return new Slo(bounds, failures, text.trim());
  }

  /** @return the first term {@code result} breaks, said in words; empty when it holds */
  public Optional<String> broken(LoadResult result) {
    if (result.requests() == 0) {
      return Optional.of("no request completed");
    }
    for (LatencyBound bound : latencyBounds) {
      double measured = result.latencyMillisAt(bound.percentile());
      if (measured >= bound.millis()) {
        return Optional.of(String.format(Locale.ROOT, "p%s %.1f ms >= %s ms",
            trim(bound.percentile()), measured, trim(bound.millis())));
      }
    }
    if (result.failureRate() >= maxFailureRate && result.failureCount() > 0) {
      return Optional.of(String.format(Locale.ROOT, "failures %.3f %% >= %s %%",
          100 * result.failureRate(), trim(100 * maxFailureRate)));
    }
    return Optional.empty();
  }

  private static String trim(double value) {
    String text = String.format(Locale.ROOT, "%.3f", value);
    return text.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
