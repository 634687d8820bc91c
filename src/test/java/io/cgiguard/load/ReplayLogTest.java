package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgiguard.http.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading IIS W3C and Apache combined logs, and the schedule a replay sends them on. */
class ReplayLogTest {

  static final Path LOGS = TestGateway.PROJECT.resolve("test-scripts/replay");

  @TempDir Path dir;

  @Test
  void w3cColumnsFollowEachFieldsDirective() throws Exception {
    ReplayLog.Parsed parsed = ReplayLog.read(List.of(LOGS.resolve("u_ex261201.log")));

    assertThat(parsed.entries()).extracting(ReplayLog.Entry::method).containsExactly(
        "GET", "GET", "GET", "GET", "POST", "GET", "HEAD", "GET");
    ReplayLog.Entry query = parsed.entries().get(2);
    assertThat(query.target()).isEqualTo("/responses/hello.sh?a=1&b=2");
    assertThat(query.oldStatus()).hasValue(200);
    assertThat(query.oldMillis()).hasValue(14);
    assertThat(query.at()).hasValue(Instant.parse("2026-12-01T09:00:01Z"));
    // The second block has fewer columns: status and stem are found by name, not position.
    ReplayLog.Entry missing = parsed.entries().get(7);
    assertThat(missing.target()).isEqualTo("/missing.htm");
    assertThat(missing.oldStatus()).hasValue(404);
    assertThat(missing.source()).isEqualTo("u_ex261201.log:17");
    assertThat(parsed.malformed()).isEqualTo(1);
    assertThat(parsed.examples()).containsExactly(
        "u_ex261201.log:10: 8 values where #Fields names 15");
  }

  @Test
  void combinedLinesGiveMethodTargetStatusAndTime() throws Exception {
    ReplayLog.Parsed parsed = ReplayLog.read(List.of(LOGS.resolve("access.log")));

    assertThat(parsed.entries()).extracting(ReplayLog.Entry::target).containsExactly(
        "/responses/hello.sh", "/static.txt", "/before-headers/exit-before-any-output.cgi?x=1",
        "/responses/hello.sh", "/missing.htm", "/<script>alert(1)</script>");
    assertThat(parsed.entries().get(3).method()).isEqualTo("DELETE");
    assertThat(parsed.entries().get(3).oldStatus()).hasValue(405);
    assertThat(parsed.entries().get(3).oldMillis()).isEmpty();
    assertThat(parsed.entries().get(2).at()).hasValue(Instant.parse("2026-12-01T10:00:01Z"));
    assertThat(parsed.malformed()).isEqualTo(2);
    assertThat(parsed.examples()).containsExactly(
        "access.log:5: the request '-' is not METHOD /path",
        "access.log:6: the time 'not a time' cannot be read");
  }

  @Test
  void garbageIsCountedNeverFatal() throws Exception {
    Path garbage = dir.resolve("garbage.log");
    byte[] bytes = new byte[4096];
    new java.util.Random(42).nextBytes(bytes);
    Files.write(garbage, bytes);
    Files.writeString(dir.resolve("fields-only.log"), "#Fields: date time\n2026-12-01 09:00:00\n");

    ReplayLog.Parsed parsed = ReplayLog.read(List.of(dir.resolve("fields-only.log"), garbage));

    assertThat(parsed.entries()).isEmpty();
    assertThat(parsed.malformed()).isGreaterThanOrEqualTo(2);
    assertThat(parsed.examples()).anySatisfy(e -> assertThat(e)
        .isEqualTo("fields-only.log:1: the #Fields line has no cs-uri-stem: the requests cannot "
            + "be read"));
    assertThat(parsed.examples()).hasSizeLessThanOrEqualTo(ReplayLog.EXAMPLES);
  }

  @Test
  void anUnreadableFileIsAnErrorNamingIt() {
    assertThatThrownBy(() -> ReplayLog.read(List.of(dir.resolve("none.log"))))
        .isInstanceOf(IOException.class).hasMessageContaining("none.log");
  }

  @Test
  void recordedPaceDividesTheLoggedGapsBySpeed() {
    Instant t0 = Instant.parse("2026-12-01T09:00:00Z");
    List<ReplayLog.Entry> entries = List.of(entry(t0), entry(t0.plusSeconds(1)),
        entry(null), entry(t0.plusMillis(500)), entry(t0.plusSeconds(3)));

    assertThat(ReplaySchedule.recordedPace(entries, 10)).containsExactly(Duration.ZERO,
        Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100),
        Duration.ofMillis(300));
    assertThat(ReplaySchedule.recordedPace(entries, 1).get(4)).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aRateSpacesRequestsEvenly() {
    List<ReplayLog.Entry> entries = List.of(entry(null), entry(null), entry(null));

    assertThat(ReplaySchedule.atRate(entries, 4)).containsExactly(Duration.ZERO,
        Duration.ofMillis(250), Duration.ofMillis(500));
    assertThat(ReplaySchedule.asFastAsPossible(entries)).containsOnly(Duration.ZERO);
  }

  @Test
  void whatAUriCannotHoldIsEscapedAndEscapesAreKept() {
    assertThat(ReplayRun.escape("/a b/<x>/%41/ü", "/")).isEqualTo("/a%20b/%3Cx%3E/%41/%C3%BC");
    assertThat(ReplayRun.escape("q=a b&c=%zz", "/?&=;")).isEqualTo("q=a%20b&c=%25zz");
  }

  private static ReplayLog.Entry entry(Instant at) {
    return new ReplayLog.Entry("GET", "/", "", OptionalInt.empty(), java.util.OptionalLong.empty(),
        Optional.ofNullable(at), "x:1");
  }
}
