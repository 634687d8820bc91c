package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RecentFailuresTest {

  private static FailureRecord failure(String requestId) {
    return new FailureRecord(Instant.EPOCH, requestId, "GET", "/cgi-bin/x.cgi", "x.cgi",
        "exited-before-headers", 502, 1, "exited", "", "", "", "exit 1");
  }

  private static List<String> ids(List<FailureRecord> records) {
    return records.stream().map(FailureRecord::requestId).toList();
  }

  @Test
  void keepsTheLastNNewestFirst() {
    RecentFailures recent = new RecentFailures(3);
    for (int i = 1; i <= 5; i++) {
      recent.record(failure("r" + i));
    }

    assertThat(ids(recent.newestFirst())).containsExactly("r5", "r4", "r3");
    assertThat(recent.recorded()).isEqualTo(5);
  }

  @Test
  void holdsFewerThanCapacityUntilFull() {
    RecentFailures recent = new RecentFailures();
    recent.record(failure("only"));

    assertThat(ids(recent.newestFirst())).containsExactly("only");
    assertThat(recent.capacity()).isEqualTo(RecentFailures.DEFAULT_CAPACITY);
  }

  @Test
  void snapshotIsACopy() {
    RecentFailures recent = new RecentFailures(2);
    recent.record(failure("a"));
    List<FailureRecord> before = recent.newestFirst();
    recent.record(failure("b"));

    assertThat(ids(before)).containsExactly("a");
  }

  @Test
  void rejectsACapacityBelowOne() {
    assertThatThrownBy(() -> new RecentFailures(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stderrTailIsCutToItsEnd() {
    String stderr = "x".repeat(FailureRecord.MAX_STDERR_TAIL_CHARS) + "last words";
    FailureRecord record = new FailureRecord(Instant.EPOCH, null, null, null, null, "body-stalled",
        0, 1, null, null, null, stderr, null);

    assertThat(record.stderrTail()).hasSize(FailureRecord.MAX_STDERR_TAIL_CHARS).endsWith(
        "last words");
    assertThat(record.requestId()).isEmpty();
  }

  @Test
  @Timeout(30)
  void concurrentWritersLeaveEachOnesNewestRecordsInOrder() throws Exception {
    int writers = 8;
    int perWriter = 2_000;
    RecentFailures recent = new RecentFailures(100);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < perWriter; i++) {
          recent.record(failure(writer + ":" + i));
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> future : done) {
      future.get(20, TimeUnit.SECONDS);
    }
    pool.shutdown();

    List<FailureRecord> kept = recent.newestFirst();
    assertThat(kept).hasSize(100);
    assertThat(recent.recorded()).isEqualTo((long) writers * perWriter);
    // Each writer's records reached the ring in its own order, so the ones kept must be that
    // writer's newest, contiguous and descending down from its last.
    Map<String, Integer> expectedNext = new HashMap<>();
    for (FailureRecord record : kept) {
      String[] parts = record.requestId().split(":");
      int expected = expectedNext.getOrDefault(parts[0], perWriter - 1);
      assertThat(Integer.parseInt(parts[1])).as(record.requestId()).isEqualTo(expected);
      expectedNext.put(parts[0], expected - 1);
    }
  }
}
