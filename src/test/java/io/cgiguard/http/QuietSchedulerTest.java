package io.cgiguard.http;

import static io.cgiguard.Polling.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.thread.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jetty's scheduler: tasks run at their deadlines, in order, on its one thread; a task due later
 * than the thread's next look never wakes it (a connection's idle timeout, scheduled for every
 * connection), and one due sooner always does.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QuietSchedulerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private QuietScheduler scheduler;

  private QuietScheduler started(Duration maxSleep) throws Exception {
    scheduler = new QuietScheduler("quiet-scheduler-test", maxSleep.toNanos());
    scheduler.start();
    return scheduler;
  }

  @AfterEach
  void stop() throws Exception {
    if (scheduler != null) {
      scheduler.stop();
    }
  }

  @Test
  void aTaskRunsOnceItsDelayHasPassed() throws Exception {
    started(Duration.ofSeconds(1));
    long scheduled = System.nanoTime();
    AtomicLong ranAt = new AtomicLong();
    scheduler.schedule(() -> ranAt.set(System.nanoTime()), 150, TimeUnit.MILLISECONDS);

    assertThat(eventually(WAIT, () -> ranAt.get() != 0)).as("ran").isTrue();
    assertThat(Duration.ofNanos(ranAt.get() - scheduled)).isGreaterThanOrEqualTo(
        Duration.ofMillis(150));
  }

  @Test
  void tasksRunInTheOrderOfTheirDeadlinesOnTheSchedulersThread() throws Exception {
    started(Duration.ofSeconds(1));
    List<String> ran = new CopyOnWriteArrayList<>();
    scheduler.schedule(() -> ran.add("third " + Thread.currentThread().getName()), 300,
        TimeUnit.MILLISECONDS);
    scheduler.schedule(() -> ran.add("first " + Thread.currentThread().getName()), 100,
        TimeUnit.MILLISECONDS);
    scheduler.schedule(() -> ran.add("second " + Thread.currentThread().getName()), 200,
        TimeUnit.MILLISECONDS);

    assertThat(eventually(WAIT, () -> ran.size() == 3)).as("all three ran").isTrue();
    assertThat(ran).containsExactly("first quiet-scheduler-test", "second quiet-scheduler-test",
        "third quiet-scheduler-test");
  }

  @Test
  void aCancelledTaskNeverRunsAndATaskThatRanCannotBeCancelled() throws Exception {
    started(Duration.ofSeconds(1));
    AtomicBoolean cancelledRan = new AtomicBoolean();
    AtomicBoolean markerRan = new AtomicBoolean();
    Scheduler.Task cancelled = scheduler.schedule(() -> cancelledRan.set(true), 100,
        TimeUnit.MILLISECONDS);
    Scheduler.Task marker = scheduler.schedule(() -> markerRan.set(true), 300,
        TimeUnit.MILLISECONDS);

    assertThat(cancelled.cancel()).isTrue();
    assertThat(eventually(WAIT, markerRan::get)).as("the later task ran").isTrue();
    assertThat(cancelledRan).as("the cancelled one, due before it").isFalse();
    assertThat(marker.cancel()).as("cancelling a task that ran").isFalse();
    assertThat(scheduler.waiting()).isZero();
  }

  @Test
  void aTaskDueBeforeTheThreadsNextLookWakesIt() throws Exception {
    started(Duration.ofSeconds(60));
    scheduler.schedule(() -> { }, 50, TimeUnit.SECONDS);
    AtomicLong ranAt = new AtomicLong();
    long scheduled = System.nanoTime();
    scheduler.schedule(() -> ranAt.set(System.nanoTime()), 50, TimeUnit.MILLISECONDS);

    assertThat(eventually(WAIT, () -> ranAt.get() != 0)).as("ran").isTrue();
    assertThat(Duration.ofNanos(ranAt.get() - scheduled)).as("long before the thread's next look")
        .isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void idleTimeoutsScheduledAndCancelledOneAfterAnotherDoNotWakeTheThread() throws Exception {
    started(Duration.ofSeconds(1));
    assertThat(eventually(WAIT, () -> scheduler.looks() >= 1)).as("the first look").isTrue();
    long before = scheduler.looks();

    // What a connection per request does: schedule its idle timeout, then close and cancel it.
    for (int connection = 0; connection < 2_000; connection++) {
      scheduler.schedule(() -> { }, 30, TimeUnit.SECONDS).cancel();
    }

    // A task due soon wakes the thread once; by the time it ran, the thread has had time to wake
    // for every connection if they woke it.
    AtomicBoolean marker = new AtomicBoolean();
    scheduler.schedule(() -> marker.set(true), 200, TimeUnit.MILLISECONDS);
    assertThat(eventually(WAIT, marker::get)).as("the marker ran").isTrue();

    // The marker's wake-up, and the look a second that happens anyway.
    assertThat(scheduler.looks() - before).isLessThanOrEqualTo(3);
    assertThat(scheduler.waiting()).isZero();
  }

  @Test
  void aTaskThatThrowsDoesNotStopTheOthers() throws Exception {
    started(Duration.ofSeconds(1));
    AtomicBoolean after = new AtomicBoolean();
    scheduler.schedule(() -> {
      throw new IllegalStateException("a task's own failure");
    }, 10, TimeUnit.MILLISECONDS);
    scheduler.schedule(() -> after.set(true), 100, TimeUnit.MILLISECONDS);

    assertThat(eventually(WAIT, after::get)).as("the task after it ran").isTrue();
  }

  @Test
  void stoppingEndsTheThread() throws Exception {
    started(Duration.ofSeconds(60));
    assertThat(threadAlive()).isTrue();

    scheduler.stop();

    assertThat(eventually(WAIT, () -> !threadAlive())).as("the thread ended").isTrue();
    scheduler = null;
  }

  private static boolean threadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("quiet-scheduler-test") && t.isAlive());
  }
}
