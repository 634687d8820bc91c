package io.cgiguard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One TOML table being read: typed getters with defaults that record a problem instead of
 * throwing, so that a whole file is checked in one pass, and a list of the keys nobody asked for
 * (typos) at the end.
 */
final class Table {

  private final String prefix;
  private final ObjectNode node;
  private final KeyLines lines;
  private final List<ConfigProblem> problems;
  private final Set<String> read = new HashSet<>();

  Table(String prefix, JsonNode node, KeyLines lines, List<ConfigProblem> problems) {
    this.prefix = prefix;
    this.lines = lines;
    this.problems = problems;
    if (node == null || node.isMissingNode() || node.isNull()) {
      this.node = JsonNodeFactory.instance.objectNode();
    } else if (node.isObject()) {
      this.node = (ObjectNode) node;
    } else {
      this.node = JsonNodeFactory.instance.objectNode();
      problem("", "must be a table");
    }
  }

  String key(String name) {
    return prefix.isEmpty() ? name : name.isEmpty() ? prefix : prefix + "." + name;
  }

  void problem(String name, String message) {
    problems.add(new ConfigProblem(key(name), lines.lineOf(key(name)), message));
  }

  boolean has(String name) {
    return node.has(name);
  }

  Table table(String name) {
    read.add(name);
    return new Table(key(name), node.get(name), lines, problems);
  }

  List<Table> tables(String name) {
    read.add(name);
    JsonNode value = node.get(name);
    List<Table> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    if (!value.isArray()) {
      problem(name, "must be an array of tables ([[" + key(name) + "]])");
      return out;
    }
    for (int i = 0; i < value.size(); i++) {
      out.add(new Table(key(name) + "[" + i + "]", value.get(i), lines, problems));
    }
    return out;
  }

  String string(String name, String fallback) {
    return value(name, fallback, JsonNode::isTextual, JsonNode::asText, "a string");
  }

  boolean bool(String name, boolean fallback) {
    return value(name, fallback, JsonNode::isBoolean, JsonNode::asBoolean, "true or false");
  }

  int integer(String name, int fallback, int min, int max) {
    long value = value(name, (long) fallback, JsonNode::isIntegralNumber, JsonNode::asLong,
        "a whole number");
    if (value < min || value > max) {
      problem(name, "must be from " + min + " to " + max + " (got " + value + ")");
      return fallback;
    }
    return (int) value;
  }

  double decimal(String name, double fallback, double min, double max) {
    double value = value(name, fallback, JsonNode::isNumber, JsonNode::asDouble, "a number");
    if (value < min || value > max) {
      problem(name, "must be from " + min + " to " + max + " (got " + value + ")");
      return fallback;
    }
    return value;
  }

  long bytes(String name, String fallback, long min, long max) {
    return parsed(name, fallback, Units::parseBytes, v -> v >= min && v <= max,
        "must be from " + min + " to " + max + " bytes");
  }

  Duration duration(String name, String fallback) {
    return parsed(name, fallback, Units::parseDuration, d -> !d.isNegative(), "must not be negative");
  }

  Optional<Duration> optionalDuration(String name) {
    return has(name) ? Optional.of(duration(name, "0s")) : Optional.empty();
  }

  List<String> strings(String name, List<String> fallback) {
    read.add(name);
    JsonNode value = node.get(name);
    if (value == null) {
      return fallback;
    }
    if (value.isTextual()) {
      return List.of(value.asText());
    }
    if (!value.isArray()) {
      problem(name, "must be a list of strings");
      return fallback;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        problem(name, "must be a list of strings (found " + element + ")");
        return fallback;
      }
      out.add(element.asText());
    }
    return List.copyOf(out);
  }

  Map<String, String> stringMap(String name) {
    Table inner = table(name);
    Map<String, String> out = new LinkedHashMap<>();
    for (String field : inner.names()) {
      out.put(field, inner.string(field, ""));
    }
    return out;
  }

  Map<String, List<String>> listMap(String name, Map<String, List<String>> fallback) {
    if (!has(name)) {
      read.add(name);
      return fallback;
    }
    Table inner = table(name);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String field : inner.names()) {
      out.put(field, inner.strings(field, List.of()));
    }
    return out;
  }

  List<String> names() {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Records a problem for every key of this table that no getter asked for. */
  void rejectUnknown() {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!read.contains(name)) {
        String hint = Suggestions.closest(name, read).map(s -> " (did you mean '" + s + "'?)")
            .orElse("");
        problem(name, "unknown key" + hint);
      }
    }
  }

  private <T> T value(String name, T fallback, java.util.function.Predicate<JsonNode> test,
      Function<JsonNode, T> convert, String expected) {
    read.add(name);
    JsonNode value = node.get(name);
    if (value == null) {
      return fallback;
    }
    if (!test.test(value)) {
      problem(name, "must be " + expected + " (got " + value + ")");
      return fallback;
    }
    return convert.apply(value);
  }

  private <T> T parsed(String name, String fallback, Function<String, T> parse,
      java.util.function.Predicate<T> valid, String range) {
    String text = value(name, fallback, v -> v.isTextual() || v.isIntegralNumber(),
        JsonNode::asText, "a string such as \"" + fallback + "\"");
    try {
      T value = parse.apply(text);
      if (!valid.test(value)) {
        problem(name, range + " (got " + text + ")");
        return parse.apply(fallback);
      }
      return value;
    } catch (IllegalArgumentException e) {
      problem(name, e.getMessage());
      return parse.apply(fallback);
    }
  }
}
