package io.cgiguard.load;

import java.util.List;
import java.util.Locale;

/**
 * The two charts of the HTML report as inline SVG, drawn in Java so that the page needs no
 * script library and no network: latency by percentile (log scale of 1/(1-p), as HdrHistogram
 * plots it, so the tail gets the room) and requests and failures per second.
 */
final class SvgCharts {

  static final int WIDTH = 760;
  static final int HEIGHT = 320;
  static final int LEFT = 70;
  private static final int RIGHT = 20;
  static final int TOP = 20;
  private static final int BOTTOM = 50;
  static final int PLOT_W = WIDTH - LEFT - RIGHT;
  static final int PLOT_H = HEIGHT - TOP - BOTTOM;
  /** The right end of the percentile axis: 99.999 %, 1/(1-p) = 10^5. */
  private static final double MAX_NINES = 5;

  private SvgCharts() {}

  static String latencyByPercentile(LoadResult result) {
    double top = niceCeiling(result.maxLatencyMillis());
    StringBuilder svg = open("latency-chart", "Latency by percentile");
    yAxis(svg, top, "ms");
    for (int nines = 0; nines <= MAX_NINES; nines++) {
      double x = LEFT + PLOT_W * nines / MAX_NINES;
      String label = percentLabel(nines == 0 ? 0 : 100 - 100 / Math.pow(10, nines));
      svg.append(format("<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' class='grid'/>",
          x, TOP, x, TOP + PLOT_H));
      svg.append(format("<text x='%.1f' y='%d' text-anchor='middle'>%s</text>",
          x, TOP + PLOT_H + 18, label));
    }
    StringBuilder path = new StringBuilder();
    for (double percentile : JsonReport.CHART_PERCENTILES) {
      double nines = percentile >= 100 ? MAX_NINES : Math.min(MAX_NINES,
          Math.log10(100 / (100 - percentile)));
      double x = LEFT + PLOT_W * nines / MAX_NINES;
      double y = yOf(result.latencyMillisAt(percentile), top);
      path.append(path.length() == 0 ? "M" : " L").append(format("%.1f %.1f", x, y));
      svg.append(format("<circle cx='%.1f' cy='%.1f' r='3' class='point'><title>%s: %.3f ms"
          + "</title></circle>", x, y, percentLabel(percentile),
          result.latencyMillisAt(percentile)));
    }
    svg.append("<path class='series latency' d='").append(path).append("'/>");
    svg.append(format("<text x='%d' y='%d' text-anchor='middle'>percentile</text>",
        LEFT + PLOT_W / 2, HEIGHT - 6));
    return svg.append("</svg>").toString();
  }

  static String throughputOverTime(LoadResult result) {
    List<Long> requests = result.requestsPerSecond();
    List<Long> failures = result.failuresPerSecond();
    long peak = requests.stream().mapToLong(Long::longValue).max().orElse(0);
    double top = niceCeiling(peak);
    int seconds = Math.max(1, requests.size());
    double step = (double) PLOT_W / seconds;
    StringBuilder svg = open("throughput-chart", "Requests and failures per second");
    yAxis(svg, top, "/s");
    StringBuilder path = new StringBuilder();
    for (int s = 0; s < requests.size(); s++) {
      double x = LEFT + step * s;
      double failedHeight = PLOT_H * failures.get(s) / top;
      if (failures.get(s) > 0) {
        svg.append(format("<rect class='failures' x='%.1f' y='%.1f' width='%.1f' height='%.1f'>"
            + "<title>second %d: %d failures</title></rect>", x, TOP + PLOT_H - failedHeight,
            Math.max(1, step * 0.8), Math.max(1, failedHeight), s + 1, failures.get(s)));
      }
      double y = yOf(requests.get(s), top);
      // A step per second: each second's count spans its own width, so even a one-second run
      // draws a line.
      path.append(path.length() == 0 ? "M" : " L").append(format("%.1f %.1f L%.1f %.1f",
          x, y, x + step, y));
      if (seconds <= 30 || s % (seconds / 10) == 0) {
        svg.append(format("<text x='%.1f' y='%d' text-anchor='middle'>%d</text>",
            x + step / 2, TOP + PLOT_H + 18, s + 1));
      }
    }
    svg.append("<path class='series throughput' d='").append(path).append("'/>");
    svg.append(format("<text x='%d' y='%d' text-anchor='middle'>second of the run "
        + "(line: requests, bars: failures)</text>", LEFT + PLOT_W / 2, HEIGHT - 6));
    return svg.append("</svg>").toString();
  }

  static StringBuilder open(String id, String title) {
    StringBuilder svg = new StringBuilder(4096);
    svg.append(format("<svg id='%s' xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
        + "viewBox='0 0 %d %d' role='img'><title>%s</title>", id, WIDTH, HEIGHT, WIDTH, HEIGHT,
        title));
    svg.append(format("<rect class='frame' x='%d' y='%d' width='%d' height='%d'/>",
        LEFT, TOP, PLOT_W, PLOT_H));
    return svg;
  }

  static void yAxis(StringBuilder svg, double top, String unit) {
    for (int tick = 0; tick <= 4; tick++) {
      double value = top * tick / 4;
      double y = yOf(value, top);
      svg.append(format("<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' class='grid'/>",
          LEFT, y, LEFT + PLOT_W, y));
      svg.append(format("<text x='%d' y='%.1f' text-anchor='end'>%s %s</text>",
          LEFT - 6, y + 4, trim(value), unit));
    }
  }

  static double yOf(double value, double top) {
    return TOP + PLOT_H - PLOT_H * Math.min(value, top) / top;
  }

  /** 1, 2 or 5 times a power of ten, at or above {@code value}; never zero. */
  static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double factor : new double[] {1, 2, 5, 10}) {
      if (factor * power >= value) {
        return factor * power;
      }
    }
    return 10 * power;
  }

  private static String percentLabel(double percent) {
    return trim(percent) + "%";
  }

  static String trim(double value) {
    String text = format("%.3f", value);
    return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
  }

  static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
