package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The capacity facts on {@code /-/status}, as JSON and as HTML, the cause escaped in the page. */
class CapacityViewRenderingTest {

  private static final CapacityView SHORT = new CapacityView(2, 8, 1, true,
      "the process table of this service is full: cgroup pids.max 38 reached <now>", 1,
      List.of(new CapacityView.Headroom("cgroup pids.max", "tasks", 38, 37),
          new CapacityView.Headroom("machine memory", "memory", 8L << 30, 6L << 30)));

  private static StatusSnapshot with(CapacityView capacity) {
    StatusSnapshot s = Snapshots.ordinary();
    return new StatusSnapshot(s.takenAt(), s.uptime(), s.version(), s.launcher(), s.running(),
        s.queued(), s.circuits(), s.totals(), s.recentFailures(), capacity);
  }

  @Test
  void jsonHasTheRunningLimitTheShortageAndEachBoundsHeadroom() throws Exception {
    JsonNode capacity = new ObjectMapper().readTree(StatusJson.render(with(SHORT)))
        .path("capacity");

    assertThat(capacity.path("runningLimit").asInt()).isEqualTo(2);
    assertThat(capacity.path("maxRunning").asInt()).isEqualTo(8);
    assertThat(capacity.path("lowestRunningLimit").asInt()).isEqualTo(1);
    assertThat(capacity.path("shortage").asBoolean()).isTrue();
    assertThat(capacity.path("episodes").asLong()).isEqualTo(1);
    assertThat(capacity.path("cause").asText()).endsWith("pids.max 38 reached <now>");
    JsonNode pids = capacity.path("bounds").get(0);
    assertThat(pids.path("name").asText()).isEqualTo("cgroup pids.max");
    assertThat(pids.path("resource").asText()).isEqualTo("tasks");
    assertThat(pids.path("limit").asLong()).isEqualTo(38);
    assertThat(pids.path("used").asLong()).isEqualTo(37);
    assertThat(pids.path("headroom").asLong()).isEqualTo(1);
  }

  @Test
  void pageShowsTheShortageWithItsCauseEscaped() {
    String page = StatusPage.render(with(SHORT));

    assertThat(page).contains("2 of 8 scripts").contains("now: the process table")
        .contains("1 tasks free of 38").contains("2048 MiB free of 8192 MiB")
        .contains("&lt;now&gt;").doesNotContain("<now>");
  }

  @Test
  void snapshotWithoutCapacityFactsSaysNone() {
    String page = StatusPage.render(Snapshots.ordinary());

    assertThat(page).contains("0 of 0 scripts").contains("<td>none</td>");
  }
}
