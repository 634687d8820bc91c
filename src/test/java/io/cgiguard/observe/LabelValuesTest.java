package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LabelValuesTest {

  @Test
  void admittedValuesStayTheirOwnAfterTheCapIsReached() {
    LabelValues labels = new LabelValues(2);

    assertThat(labels.fold("a")).isEqualTo("a");
    assertThat(labels.fold("b")).isEqualTo("b");
    assertThat(labels.fold("c")).isEqualTo(LabelValues.OTHER);
    assertThat(labels.fold("a")).isEqualTo("a");
  }

  @Test
  void emptyAndOverlongValuesAreNotAdmitted() {
    LabelValues labels = new LabelValues(10);

    assertThat(labels.fold("")).isEqualTo("unknown");
    assertThat(labels.fold(null)).isEqualTo("unknown");
    assertThat(labels.fold("x".repeat(LabelValues.MAX_VALUE_LENGTH + 1)))
        .isEqualTo(LabelValues.OTHER);
  }

  @Test
  @Timeout(30)
  void capIsExactUnderConcurrentNewValues() throws Exception {
    int cap = 50;
    LabelValues labels = new LabelValues(cap);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < 500; i++) {
          seen.add(labels.fold("t" + thread + "-" + i));
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> future : done) {
      future.get(20, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(seen).hasSize(cap + 1).contains(LabelValues.OTHER);
  }
}
