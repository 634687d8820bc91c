package io.cgiguard.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each key of a TOML file stands, so that a problem found in the parsed tree can be reported
 * with its line. Array tables are numbered as the tree numbers them ({@code mount[0].dir}).
 */
final class KeyLines {

  /**
   * A key written a second time in its table.
   *
   * @param column the 1-based column where the key starts on its line
   * @param firstLine the line that set it first
   */
  record Repeat(String key, int line, int column, int firstLine) {}

  private static final Pattern TABLE = Pattern.compile("^\\s*(\\[\\[?)\\s*([^\\]]+?)\\s*\\]\\]?");
  private static final Pattern KEY = Pattern.compile("^\\s*(\"[^\"]*\"|[A-Za-z0-9_.-]+)\\s*=");

  private final Map<String, Integer> lines = new HashMap<>();
  private final List<Repeat> repeats = new ArrayList<>();

  KeyLines(String text) {
    String table = "";
    Map<String, Integer> arrayCounts = new HashMap<>();
    String[] all = text.split("\r?\n", -1);
    for (int i = 0; i < all.length; i++) {
      String line = all[i];
      Matcher t = TABLE.matcher(line);
      if (t.find()) {
        table = tableKey(t.group(1).equals("[["), t.group(2).trim(), arrayCounts);
        lines.putIfAbsent(table, i + 1);
        continue;
      }
      Matcher k = KEY.matcher(line);
      if (k.find()) {
        String key = k.group(1).replace("\"", "");
        String qualified = table.isEmpty() ? key : table + "." + key;
        Integer first = lines.putIfAbsent(qualified, i + 1);
        if (first != null) {
          repeats.add(new Repeat(qualified, i + 1, k.start(1) + 1, first));
        }
      }
    }
  }

  private static String tableKey(boolean array, String name, Map<String, Integer> counts) {
    if (!array) {
      return qualify(name, counts);
    }
    String parent = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "";
    String leaf = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
    String prefix = parent.isEmpty() ? "" : qualify(parent, counts) + ".";
    String base = prefix + leaf;
    int index = counts.merge(base, 1, Integer::sum) - 1;
    return base + "[" + index + "]";
  }

  /** Names inside the most recent element of an array table: {@code mount.x} → {@code mount[0].x}. */
  private static String qualify(String name, Map<String, Integer> counts) {
    String[] parts = name.split("\\.");
    StringBuilder out = new StringBuilder();
    for (String part : parts) {
      String base = (out.length() == 0 ? "" : out + ".") + part;
      Integer count = counts.get(base);
      out.setLength(0);
      out.append(count == null ? base : base + "[" + (count - 1) + "]");
    }
    return out.toString();
  }

  /** @return the line of {@code key}, or of the nearest table that holds it, or 0 */
  int lineOf(String key) {
    String probe = key;
    while (!probe.isEmpty()) {
      Integer line = lines.get(probe);
      if (line != null) {
        return line;
      }
      int cut = Math.max(probe.lastIndexOf('.'), probe.lastIndexOf('['));
      probe = cut > 0 ? probe.substring(0, cut) : "";
    }
    return 0;
  }

  /**
   * The TOML parser finds a duplicate key only once it has read the key's value and the next
   * token after it, which may stand lines further on, past blank lines and comments.
   *
   * @return the last key written a second time that starts before {@code line} and
   *     {@code column}, where the parser stopped
   */
  Optional<Repeat> repeatBefore(int line, int column) {
    Repeat last = null;
    for (Repeat repeat : repeats) {
      if (repeat.line() < line || (repeat.line() == line && repeat.column() < column)) {
        last = repeat;
      }
    }
    return Optional.ofNullable(last);
  }
}
