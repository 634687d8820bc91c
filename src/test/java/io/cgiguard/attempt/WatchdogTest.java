package io.cgiguard.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watchdog's rounds on real timers: they run every check while it is registered, stop once
 * nothing has been watched for {@link Watchdog#IDLE_ROUNDS} rounds, and start again with the next
 * watch, including one that comes while the rounds are being stopped.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchdogTest {

  private static final Duration PERIOD = Duration.ofMillis(5);

  private final ScheduledThreadPoolExecutor timers = timers();

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  @Test
  void aRegisteredCheckRunsEveryRoundUntilItsRegistrationCloses() throws Exception {
    Watchdog watchdog = new Watchdog(timers, PERIOD);
    AtomicInteger rounds = new AtomicInteger();

    Watchdog.Registration registration = watchdog.watch(now -> rounds.incrementAndGet());
    await(() -> rounds.get() >= 3);
    registration.close();
    int afterClose = rounds.get();
    // Nothing is watched any more, so the rounds stop; every round until then had nothing to run.
    await(() -> !watchdog.running());

    // At most the round that was running when the registration closed.
    assertThat(rounds.get()).isBetween(afterClose, afterClose + 1);
  }

  @Test
  void roundsStopWhenNothingIsWatchedAndStartAgainWithTheNextWatch() throws Exception {
    Watchdog watchdog = new Watchdog(timers, PERIOD);
    assertThat(watchdog.running()).isFalse();
    assertThat(timers.getQueue()).isEmpty();

    CountDownLatch first = new CountDownLatch(1);
    watchdog.watch(now -> first.countDown()).close();
    Watchdog.Registration kept = watchdog.watch(now -> first.countDown());
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    kept.close();
    await(() -> !watchdog.running() && timers.getQueue().isEmpty());

    CountDownLatch again = new CountDownLatch(1);
    Watchdog.Registration registration = watchdog.watch(now -> again.countDown());
    try {
      assertThat(watchdog.running()).isTrue();
      assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      registration.close();
    }
  }

  @Test
  void watchesThatComeAndGoAroundTheStopsAllSeeARound() throws Exception {
    // Rounds of 1 ms that stop after 20 idle ones, and watches 0 to 30 ms apart from four
    // threads: the rounds stop and start again many times, with watches arriving around each
    // stop. Every watch must still see a round.
    Watchdog watchdog = new Watchdog(timers, Duration.ofMillis(1));
    ExecutorService watchers = Executors.newFixedThreadPool(4);
    AtomicInteger lost = new AtomicInteger();
    AtomicInteger seen = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        done.add(watchers.submit(() -> {
          for (int i = 0; i < 60; i++) {
            CountDownLatch round = new CountDownLatch(1);
            Watchdog.Registration registration = watchdog.watch(now -> round.countDown());
            try {
              if (round.await(5, TimeUnit.SECONDS)) {
                seen.incrementAndGet();
              } else {
                lost.incrementAndGet();
              }
            } finally {
              registration.close();
            }
            // A pause, not a wait for anything: the gaps that let the rounds stop in between.
            Thread.sleep(ThreadLocalRandom.current().nextInt(31));
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get(50, TimeUnit.SECONDS);
      }
    } finally {
      watchers.shutdownNow();
    }

    assertThat(lost.get()).isZero();
    assertThat(seen.get()).isEqualTo(4 * 60);
  }

  @Test
  void aFailingCheckDoesNotStopTheOthers() throws Exception {
    Watchdog watchdog = new Watchdog(timers, PERIOD);
    AtomicInteger rounds = new AtomicInteger();

    AtomicInteger failures = new AtomicInteger();
    Watchdog.Registration failing = watchdog.watch(now -> {
      if (failures.getAndIncrement() == 0) {
        throw new IllegalStateException("a faulty check");
      }
    });
    Watchdog.Registration counting = watchdog.watch(now -> rounds.incrementAndGet());
    try {
      await(() -> rounds.get() >= 3);
    } finally {
      counting.close();
      failing.close();
    }

    assertThat(rounds.get()).isGreaterThanOrEqualTo(3);
    assertThat(failures.get()).isGreaterThanOrEqualTo(3);
  }

  private static ScheduledThreadPoolExecutor timers() {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2);
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited 10 s").isNegative();
      Thread.sleep(2);
    }
  }
}
