package io.cgiguard.observe;

import static io.cgiguard.text.Escaping.html;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard's two charts as inline SVG: requests per second, and failures per second with one
 * line per kind, each over the seconds of {@link LiveSeries.View#recent()}. {@code dashboard.js}
 * draws the same charts with the same geometry and colours from the JSON each second; these are
 * what a browser without JavaScript shows.
 */
final class DashboardChart {

  static final int WIDTH = 900;
  static final int HEIGHT = 200;
  static final int LEFT = 50;
  static final int RIGHT = 190;
  static final int TOP = 10;
  static final int BOTTOM = 24;
  static final String REQUEST_COLOUR = "#2a8a3a";
  /** Colours of the failure kinds in sorted order; dashboard.js has the same list. */
  static final List<String> KIND_COLOURS =
      List.of("#d33", "#e08a00", "#7b3fbf", "#1f8fbf", "#b0487a", "#4c7a00", "#555", "#c4a000");

  private DashboardChart() {}

  /** @return the requests-per-second chart */
  static String requests(LiveSeries.View view) {
    List<LiveSeries.Second> seconds = view.seconds();
    long[] total = new long[seconds.size()];
    for (int i = 0; i < total.length; i++) {
      total[i] = seconds.get(i).requests();
    }
    Map<String, long[]> series = new LinkedHashMap<>();
    series.put("requests", total);
    return render("rate-chart", "Requests per second", series, List.of(REQUEST_COLOUR));
  }

  /** @return the failures-per-second chart, one line per kind */
  static String failures(LiveSeries.View view) {
    return render("failure-chart", "Failures per second by kind", view.failuresByKind(),
        KIND_COLOURS);
  }

  private static String render(String id, String title, Map<String, long[]> series,
      List<String> colours) {
    int length = 1;
    long peak = 1;
    long sum = 0;
    for (long[] counts : series.values()) {
      length = Math.max(length, counts.length);
      for (long n : counts) {
        peak = Math.max(peak, n);
        sum += n;
      }
    }
    double top = niceCeiling(peak);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder(8192);
    svg.append(format("<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
        + "viewBox=\"0 0 %d %d\" role=\"img\" data-total=\"%d\"><title>%s</title>", id, WIDTH,
        HEIGHT, sum, title));
    svg.append(format("<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
        LEFT, TOP, plotW, plotH));
    for (int tick = 0; tick <= 4; tick++) {
      double y = TOP + plotH - plotH * tick / 4.0;
      svg.append(format("<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT, y, LEFT + plotW, y,
          LEFT - 4, y + 4, trim(top * tick / 4)));
    }
    for (int tick = 0; tick <= 4; tick++) {
      double x = LEFT + plotW * tick / 4.0;
      long ago = Math.round(length * (4 - tick) / 4.0);
      svg.append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x,
          HEIGHT - 6, ago == 0 ? "now" : "-" + ago + " s"));
    }
    int index = 0;
    for (Map.Entry<String, long[]> line : series.entrySet()) {
      String colour = colours.get(index % colours.size());
      svg.append(path(colour, line.getValue(), length, top, plotW, plotH));
      int x = WIDTH - RIGHT + 10;
      int y = TOP + 4 + 16 * index;
      svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
          + "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>", x, y, colour, x + 14, y + 9,
          html(line.getKey())));
      index++;
    }
    if (series.isEmpty()) {
      svg.append(format("<text class=\"legend\" x=\"%d\" y=\"%d\">none</text>",
          WIDTH - RIGHT + 10, TOP + 13));
    }
    return svg.append("</svg>").toString();
  }

  private static String path(String colour, long[] series, int length, double top, int plotW,
      int plotH) {
    StringBuilder d = new StringBuilder(series.length * 12);
    double step = (double) plotW / Math.max(1, length - 1);
    for (int i = 0; i < series.length; i++) {
      double y = TOP + plotH - plotH * Math.min(series[i], top) / top;
      d.append(i == 0 ? "M" : "L").append(format("%.1f %.1f", LEFT + step * i, y));
    }
    return format("<path class=\"series\" stroke=\"%s\" d=\"%s\"/>", colour, d);
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
