package io.cgiguard.observe;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reader of the Prometheus text exposition format, just enough for tests: sample lines become
 * a map from series (name and sorted labels) to value, so that tests check values rather than
 * the writer's layout.
 */
public final class Exposition {

  private final Map<String, Double> samples = new HashMap<>();

  private Exposition() {}

  public static Exposition parse(String text) {
    Exposition exposition = new Exposition();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      Double earlier = exposition.samples.put(canonical(series), value);
      if (earlier != null) {
        throw new AssertionError("duplicate series: " + series);
      }
    }
    return exposition;
  }

  /** @return the value of the series, or null if it is absent */
  public Double value(String name, String... labelPairs) {
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    return samples.get(key(name, labels));
  }

  /** @return how many series of metric {@code name} there are */
  long count(String name) {
    return samples.keySet().stream().filter(k -> k.equals(name) || k.startsWith(name + "{")).count();
  }

  private static String canonical(String series) {
    int brace = series.indexOf('{');
    if (brace < 0) {
      return series;
    }
    Map<String, String> labels = new TreeMap<>();
    int i = brace + 1;
    while (series.charAt(i) != '}') {
      int equals = series.indexOf('=', i);
      String name = series.substring(i, equals);
      StringBuilder value = new StringBuilder();
      int j = equals + 2; // past ="
      for (; series.charAt(j) != '"'; j++) {
        char c = series.charAt(j);
        if (c == '\\') {
          char next = series.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      labels.put(name, value.toString());
      i = j + 1;
      if (series.charAt(i) == ',') {
        i++;
      }
    }
    return key(series.substring(0, brace), labels);
  }

  private static String key(String name, Map<String, String> labels) {
    return labels.isEmpty() ? name : name + labels;
  }
}
