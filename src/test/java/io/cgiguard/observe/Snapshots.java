package io.cgiguard.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Status snapshots for rendering tests, each with one chosen field set to a given string. */
final class Snapshots {

  static final Instant TAKEN_AT = Instant.parse("2026-03-01T12:00:00Z");

  private Snapshots() {}

  /** The outside-controlled fields a snapshot has, each of which a test can poison. */
  enum Field {
    VERSION, LAUNCHER_NAME, LIMIT, CIRCUIT_SCRIPT, FAILURE_KIND_TOTAL, REQUEST_ID, METHOD, PATH,
    SCRIPT, KIND, SUMMARY, CAUSE_TITLE, CAUSE_FIX, STDERR, EXIT
  }

  static StatusSnapshot with(Field field, String value) {
    String v = value;
    FailureRecord failure =
        new FailureRecord(
            TAKEN_AT.minusSeconds(5),
            pick(field, Field.REQUEST_ID, v, "req-1"),
            pick(field, Field.METHOD, v, "POST"),
            pick(field, Field.PATH, v, "/cgi-bin/form.pl/extra"),
            pick(field, Field.SCRIPT, v, "form.pl"),
            pick(field, Field.KIND, v, "exited-before-headers"),
            502,
            2,
            pick(field, Field.SUMMARY, v, "exited with status 255 after 12 bytes of headers"),
            pick(field, Field.CAUSE_TITLE, v, "The script died while writing its headers"),
            pick(field, Field.CAUSE_FIX, v, "Run it by hand with the same environment"),
            pick(field, Field.STDERR, v, "Can't locate CGI.pm in @INC\nBEGIN failed"),
            pick(field, Field.EXIT, v, "exit 255"));
    return new StatusSnapshot(
        TAKEN_AT,
        Duration.ofSeconds(93_784),
        pick(field, Field.VERSION, v, "0.1.0"),
        new LauncherView(
            pick(field, Field.LAUNCHER_NAME, v, "posix"),
            List.of(pick(field, Field.LIMIT, v, "cpu-time"), "process-group"),
            List.of()),
        4,
        1,
        List.of(
            new CircuitView(pick(field, Field.CIRCUIT_SCRIPT, v, "form.pl"),
                CircuitState.OPEN, 5, 9),
            new CircuitView("hello.cgi", CircuitState.CLOSED, 0, 120)),
        new Totals(130, 121, 3, 1,
            Map.of(pick(field, Field.FAILURE_KIND_TOTAL, v, "exited-before-headers"), 9L)),
        List.of(failure));
  }

  /** A snapshot with ordinary values everywhere. */
  static StatusSnapshot ordinary() {
    return with(null, null);
  }

  private static String pick(Field chosen, Field field, String value, String otherwise) {
    return chosen == field ? value : otherwise;
  }
}
