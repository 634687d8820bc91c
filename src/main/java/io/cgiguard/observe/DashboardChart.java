package io.cgiguard.observe;

import static io.cgiguard.observe.HtmlText.inline;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard's chart as inline SVG: requests per second as one line and failures per second
 * as one line per kind, over the last {@value LiveSeries#SECONDS} seconds. {@code dashboard.js}
 * draws the same chart with the same geometry and colours from the JSON each second; this one is
 * what a browser without JavaScript shows.
 */
final class DashboardChart {

  static final int WIDTH = 900;
  static final int HEIGHT = 240;
  static final int LEFT = 50;
  static final int RIGHT = 150;
  static final int TOP = 10;
  static final int BOTTOM = 24;
  /** Colours of the failure kinds in sorted order; dashboard.js has the same list. */
  static final List<String> KIND_COLOURS =
      List.of("#d33", "#e08a00", "#7b3fbf", "#1f8fbf", "#b0487a", "#4c7a00", "#555", "#c4a000");

  private DashboardChart() {}

  static String render(LiveSeries.View view) {
    List<LiveSeries.Second> seconds = view.seconds();
    long peak = 1;
    long requests = 0;
    long failures = 0;
    for (LiveSeries.Second second : seconds) {
      peak = Math.max(peak, second.requests());
      requests += second.requests();
      failures += second.failures();
    }
    double top = niceCeiling(peak);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder(8192);
    svg.append(format("<svg id=\"rate-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
        + "viewBox=\"0 0 %d %d\" role=\"img\" data-requests=\"%d\" data-failures=\"%d\">"
        + "<title>Requests and failures per second</title>", WIDTH, HEIGHT, requests, failures));
    svg.append(format("<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
        LEFT, TOP, plotW, plotH));
    for (int tick = 0; tick <= 4; tick++) {
      double y = TOP + plotH - plotH * tick / 4.0;
      svg.append(format("<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT, y, LEFT + plotW, y,
          LEFT - 4, y + 4, trim(top * tick / 4)));
    }
    for (int minute = 0; minute <= LiveSeries.SECONDS / 60; minute++) {
      double x = LEFT + plotW * (LiveSeries.SECONDS - 60.0 * minute) / LiveSeries.SECONDS;
      svg.append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x,
          HEIGHT - 6, minute == 0 ? "now" : "-" + minute + " min"));
    }
    long[] total = new long[seconds.size()];
    for (int i = 0; i < total.length; i++) {
      total[i] = seconds.get(i).requests();
    }
    svg.append(path("requests", "#2a8a3a", total, top, plotW, plotH));
    legend(svg, 0, "#2a8a3a", "requests");
    int index = 0;
    for (Map.Entry<String, long[]> kind : view.failuresByKind().entrySet()) {
      String colour = KIND_COLOURS.get(index % KIND_COLOURS.size());
      svg.append(path("failures", colour, kind.getValue(), top, plotW, plotH));
      legend(svg, index + 1, colour, kind.getKey());
      index++;
    }
    return svg.append("</svg>").toString();
  }

  private static String path(String type, String colour, long[] series, double top, int plotW,
      int plotH) {
    StringBuilder d = new StringBuilder(series.length * 12);
    double step = (double) plotW / Math.max(1, series.length);
    for (int i = 0; i < series.length; i++) {
      double y = TOP + plotH - plotH * Math.min(series[i], top) / top;
      d.append(i == 0 ? "M" : "L").append(format("%.1f %.1f", LEFT + step * i, y));
    }
    return format("<path class=\"series %s\" stroke=\"%s\" d=\"%s\"/>", type, colour, d);
  }

  private static void legend(StringBuilder svg, int row, String colour, String label) {
    int x = WIDTH - RIGHT + 10;
    int y = TOP + 4 + 16 * row;
    svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
        + "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>", x, y, colour, x + 14, y + 9,
        inline(label)));
  }

  /** 1, 2 or 5 times a power of ten, at or above {@code value}. */
  static double niceCeiling(double value) {
    double power = Math.pow(10, Math.floor(Math.log10(Math.max(1, value))));
    for (double factor : new double[] {1, 2, 5, 10}) {
      if (factor * power >= value) {
        return factor * power;
      }
    }
    return 10 * power;
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : format("%.1f", value);
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
