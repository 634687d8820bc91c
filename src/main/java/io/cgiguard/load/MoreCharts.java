package io.cgiguard.load;

import static io.cgiguard.load.SvgCharts.LEFT;
import static io.cgiguard.load.SvgCharts.PLOT_H;
import static io.cgiguard.load.SvgCharts.PLOT_W;
import static io.cgiguard.load.SvgCharts.TOP;
import static io.cgiguard.load.SvgCharts.HEIGHT;
import static io.cgiguard.load.SvgCharts.format;
import static io.cgiguard.load.SvgCharts.niceCeiling;
import static io.cgiguard.load.SvgCharts.yOf;

import io.cgiguard.text.Escaping;
import java.util.List;
import java.util.Map;

/**
 * The charts of what a plain run hides, as inline SVG like {@link SvgCharts}: failures of each
 * kind over time, the responses that succeeded only after the gateway retried, and the steps of a
 * {@code --find-max-rate} search.
 */
final class MoreCharts {

  /** Colours for up to eight failure kinds; more repeat. */
  private static final String[] KIND_COLOURS =
      {"#d33", "#e08a00", "#7b3fbf", "#1f8fbf", "#b0487a", "#4c7a00", "#555", "#c4a000"};

  private MoreCharts() {}

  static String failuresByKindOverTime(LoadResult result) {
    Map<String, List<Long>> byKind = result.failuresPerSecondByKind();
    long peak = 1;
    int seconds = 1;
    for (List<Long> series : byKind.values()) {
      seconds = Math.max(seconds, series.size());
      for (long n : series) {
        peak = Math.max(peak, n);
      }
    }
    double top = niceCeiling(peak);
    double step = (double) PLOT_W / seconds;
    StringBuilder svg = SvgCharts.open("failure-kinds-chart", "Failures per second by kind");
    SvgCharts.yAxis(svg, top, "/s");
    int index = 0;
    for (Map.Entry<String, List<Long>> kind : byKind.entrySet()) {
      String colour = KIND_COLOURS[index % KIND_COLOURS.length];
      StringBuilder path = new StringBuilder();
      List<Long> series = kind.getValue();
      for (int s = 0; s < series.size(); s++) {
        double x = LEFT + step * s;
        double y = yOf(series.get(s), top);
        path.append(path.length() == 0 ? "M" : " L")
            .append(format("%.1f %.1f L%.1f %.1f", x, y, x + step, y));
      }
      svg.append(format("<path class='series' stroke='%s' d='%s'><title>%s</title></path>",
          colour, path, Escaping.html(kind.getKey())));
      svg.append(format("<rect x='%d' y='%d' width='10' height='10' fill='%s'/>"
          + "<text x='%d' y='%d'>%s</text>", LEFT + 10, TOP + 8 + 16 * index, colour, LEFT + 26,
          TOP + 17 + 16 * index, Escaping.html(kind.getKey())));
      index++;
    }
    svg.append(format("<text x='%d' y='%d' text-anchor='middle'>second of the run</text>",
        LEFT + PLOT_W / 2, HEIGHT - 6));
    return svg.append("</svg>").toString();
  }

  static String attempts(GatewayAttempts attempts) {
    StringBuilder svg = SvgCharts.open("attempts-chart", "Responses by how many runs they took");
    long total = Math.max(1, attempts.responses());
    long[] counts = {attempts.okFirstTry(), attempts.okAfterRetry(), attempts.failed()};
    String[] names = {"ok first try", "ok after retry", "failed"};
    String[] colours = {"#2a8a3a", "#e08a00", "#d33"};
    double x = LEFT;
    double barTop = TOP + PLOT_H / 3.0;
    double barHeight = PLOT_H / 3.0;
    StringBuilder outline = new StringBuilder();
    for (int i = 0; i < counts.length; i++) {
      double width = PLOT_W * (double) counts[i] / total;
      svg.append(format("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>"
          + "<title>%s: %d</title></rect>", x, barTop, width, barHeight, colours[i], names[i],
          counts[i]));
      svg.append(format("<text x='%d' y='%.1f'>%s: %d (%.1f %%)</text>", LEFT + 200 * i,
          barTop + barHeight + 24, names[i], counts[i], 100.0 * counts[i] / total));
      x += width;
    }
    outline.append(format("M%d %.1f L%d %.1f", LEFT, barTop + barHeight, LEFT + PLOT_W,
        barTop + barHeight));
    svg.append("<path class='series' stroke='#999' d='").append(outline).append("'/>");
    svg.append(format("<text x='%d' y='%.1f'>script runs: %d, failed: %d (%.1f %%)</text>",
        LEFT, barTop - 12, attempts.attempts(), attempts.failedAttempts(),
        100 * attempts.attemptFailureRate()));
    return svg.append("</svg>").toString();
  }

  static String steps(RateSearch.Outcome outcome) {
    // The percentile the objective names first, so that its bound can be drawn across the line.
    List<Slo.LatencyBound> bounds = outcome.slo().latencyBounds();
    double percentile = bounds.isEmpty() ? 99 : bounds.get(0).percentile();
    String name = "p" + SvgCharts.trim(percentile);
    double maxRate = 1;
    double maxLatency = 1;
    for (RateSearch.Step step : outcome.steps()) {
      maxRate = Math.max(maxRate, step.ratePerSecond());
      maxLatency = Math.max(maxLatency, step.result().latencyMillisAt(percentile));
    }
    for (Slo.LatencyBound bound : bounds) {
      maxLatency = Math.max(maxLatency, bound.millis());
    }
    double right = niceCeiling(maxRate);
    double top = niceCeiling(maxLatency);
    StringBuilder svg = SvgCharts.open("steps-chart", name + " latency by offered rate");
    SvgCharts.yAxis(svg, top, "ms");
    for (int tick = 0; tick <= 4; tick++) {
      double x = LEFT + PLOT_W * tick / 4.0;
      svg.append(format("<text x='%.1f' y='%d' text-anchor='middle'>%s/s</text>", x,
          TOP + PLOT_H + 18, SvgCharts.trim(right * tick / 4)));
    }
    for (Slo.LatencyBound bound : outcome.slo().latencyBounds()) {
      double y = yOf(bound.millis(), top);
      svg.append(format("<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#d33' "
          + "stroke-dasharray='6 4'/><text x='%d' y='%.1f'>p%s objective</text>", LEFT, y,
          LEFT + PLOT_W, y, LEFT + PLOT_W - 110, y - 4, SvgCharts.trim(bound.percentile())));
    }
    List<RateSearch.Step> sorted = outcome.steps().stream()
        .sorted((a, b) -> Double.compare(a.ratePerSecond(), b.ratePerSecond())).toList();
    StringBuilder path = new StringBuilder();
    for (RateSearch.Step step : sorted) {
      double x = LEFT + PLOT_W * step.ratePerSecond() / right;
      double y = yOf(step.result().latencyMillisAt(percentile), top);
      path.append(path.length() == 0 ? "M" : " L").append(format("%.1f %.1f", x, y));
      svg.append(format("<circle cx='%.1f' cy='%.1f' r='4' fill='%s'><title>%.1f/s: %s %.1f ms,"
          + " failures %.2f %%</title></circle>", x, y, step.held() ? "#2a8a3a" : "#d33",
          step.ratePerSecond(), name, step.result().latencyMillisAt(percentile),
          100 * step.result().failureRate()));
    }
    if (sorted.size() == 1) {
      path.append(" l1 0");
    }
    svg.append("<path class='series latency' d='").append(path).append("'/>");
    svg.append(format("<text x='%d' y='%d' text-anchor='middle'>offered rate; %s latency (green:"
        + " held, red: broke the objective)</text>", LEFT + PLOT_W / 2, HEIGHT - 6, name));
    return svg.append("</svg>").toString();
  }
}
