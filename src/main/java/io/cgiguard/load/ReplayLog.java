package io.cgiguard.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the requests an old server logged, to send them again: IIS W3C extended logs (whose
 * {@code #Fields:} directive decides the columns, and may change within a file) and Apache/NCSA
 * combined or common logs. A line that cannot be read is counted with its reason, never fatal.
 */
public final class ReplayLog {

  /**
   * One logged request.
   *
   * @param method the method, upper case
   * @param path the path as logged (IIS: cs-uri-stem), starting with {@code /}
   * @param query the query without {@code ?}, empty when none
   * @param oldStatus the status the old server answered, when logged
   * @param oldMillis how long the old server took, when logged (IIS: time-taken)
   * @param at when it was logged, when the line says
   * @param source {@code file:line}
   */
  public record Entry(String method, String path, String query, OptionalInt oldStatus,
      OptionalLong oldMillis, Optional<Instant> at, String source) {

    /** @return the path and query, as a request target */
    public String target() {
      return path + (query.isEmpty() ? "" : "?" + query);
    }
  }

  /**
   * What the files held.
   *
   * @param entries the requests, in file order
   * @param malformed how many lines could not be read
   * @param examples the first few of them, {@code file:line: reason}
   */
  public record Parsed(List<Entry> entries, long malformed, List<String> examples) {
    public Parsed {
      entries = List.copyOf(entries);
      examples = List.copyOf(examples);
    }
  }

  static final int EXAMPLES = 5;

  // host ident user [10/Oct/2000:13:55:36 -0700] "GET /a?b HTTP/1.0" 200 2326 ...
  private static final Pattern COMBINED = Pattern.compile(
      "^\\S+ \\S+ .+? \\[([^\\]]+)\\] \"([^\"]*)\" (\\d{3}|-) (\\S+)(?: .*)?$");
  private static final DateTimeFormatter NCSA_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private final List<Entry> entries = new ArrayList<>();
  private final List<String> examples = new ArrayList<>();
  private long malformed;

  private ReplayLog() {}

  /** Reads every file; an unreadable file is an {@link IOException} naming it. */
  public static Parsed read(List<Path> files) throws IOException {
    ReplayLog log = new ReplayLog();
    for (Path file : files) {
      log.readFile(file);
    }
    return new Parsed(log.entries, log.malformed, log.examples);
  }

  private void readFile(Path file) throws IOException {
    // IIS writes UTF-8 (or ANSI); a byte that is neither must not stop the replay.
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try (BufferedReader reader = new BufferedReader(
        new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
      Map<String, Integer> fields = null;
      boolean w3c = false;
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        String source = file.getFileName() + ":" + number;
        if (line.isBlank()) {
          continue;
        }
        if (line.startsWith("#")) {
          w3c = true;
          if (line.startsWith("#Fields:")) {
            fields = columns(line.substring("#Fields:".length()));
            if (!fields.containsKey("cs-uri-stem")) {
              bad(source, "the #Fields line has no cs-uri-stem: the requests cannot be read");
              fields = null;
            }
          }
          continue;
        }
        if (w3c) {
          if (fields == null) {
            bad(source, "no usable #Fields line before this one");
          } else {
            w3c(line, fields, source);
          }
        } else {
          combined(line, source);
        }
      }
    }
  }

  private static Map<String, Integer> columns(String directive) {
    Map<String, Integer> columns = new HashMap<>();
    String[] names = directive.trim().split("\\s+");
    for (int i = 0; i < names.length; i++) {
      columns.put(names[i].toLowerCase(Locale.ROOT), i);
    }
    return columns;
  }

  private void w3c(String line, Map<String, Integer> fields, String source) {
    String[] values = line.trim().split(" ");
    if (values.length != fields.size()) {
      bad(source, values.length + " values where #Fields names " + fields.size());
      return;
    }
    String path = value(values, fields, "cs-uri-stem");
    if (path.isEmpty() || !path.startsWith("/")) {
      bad(source, "cs-uri-stem '" + shorten(path) + "' is not a path");
      return;
    }
    String method = value(values, fields, "cs-method");
    method = method.isEmpty() ? "GET" : method.toUpperCase(Locale.ROOT);
    if (!method.matches("[A-Z]{1,20}")) {
      bad(source, "cs-method '" + shorten(method) + "' is not a method");
      return;
    }
    String status = value(values, fields, "sc-status");
    OptionalInt old = status.matches("\\d{3}") ? OptionalInt.of(Integer.parseInt(status))
        : OptionalInt.empty();
    Optional<Instant> at = Optional.empty();
    String date = value(values, fields, "date");
    String time = value(values, fields, "time");
    if (!date.isEmpty() && !time.isEmpty()) {
      try {
        // IIS writes W3C dates and times in UTC.
        at = Optional.of(LocalDate.parse(date).atTime(LocalTime.parse(time))
            .toInstant(ZoneOffset.UTC));
      } catch (DateTimeParseException e) {
        bad(source, "date/time '" + shorten(date + " " + time) + "' cannot be read");
        return;
      }
    }
    String taken = value(values, fields, "time-taken");
    OptionalLong millis = taken.matches("\\d{1,12}") ? OptionalLong.of(Long.parseLong(taken))
        : OptionalLong.empty();
    // W3C logs write a space in a URL as '+' in the stem; the query is kept as sent.
    entries.add(new Entry(method, path, value(values, fields, "cs-uri-query"), old, millis, at,
        source));
  }

  private static String value(String[] values, Map<String, Integer> fields, String name) {
    Integer index = fields.get(name);
    if (index == null) {
      return "";
    }
    String v = values[index];
    return v.equals("-") ? "" : v;
  }

  private void combined(String line, String source) {
    Matcher m = COMBINED.matcher(line);
    if (!m.matches()) {
      bad(source, "not a combined or common log line");
      return;
    }
    String[] request = m.group(2).split(" ");
    if (request.length < 2 || !request[0].matches("[A-Za-z]{1,20}") || !request[1].startsWith("/")) {
      bad(source, "the request '" + shorten(m.group(2)) + "' is not METHOD /path");
      return;
    }
    Optional<Instant> at;
    try {
      at = Optional.of(OffsetDateTime.parse(m.group(1), NCSA_TIME).toInstant());
    } catch (DateTimeParseException e) {
      bad(source, "the time '" + shorten(m.group(1)) + "' cannot be read");
      return;
    }
    String target = request[1];
    int q = target.indexOf('?');
    OptionalInt old = m.group(3).equals("-") ? OptionalInt.empty()
        : OptionalInt.of(Integer.parseInt(m.group(3)));
    entries.add(new Entry(request[0].toUpperCase(Locale.ROOT), q < 0 ? target
        : target.substring(0, q), q < 0 ? "" : target.substring(q + 1), old, OptionalLong.empty(),
        at, source));
  }

  private void bad(String source, String reason) {
    malformed++;
    if (examples.size() < EXAMPLES) {
      examples.add(source + ": " + reason);
    }
  }

  private static String shorten(String text) {
    String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 60 ? printable.substring(0, 60) + "..." : printable;
  }
}
