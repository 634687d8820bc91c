package io.cgiguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BulkheadTest {

  private static final Duration LONG = Duration.ofSeconds(20);
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    timers.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(timers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static Slot.Permit admitted(Slot slot) {
    assertThat(slot).isInstanceOf(Slot.Admitted.class);
    return ((Slot.Admitted) slot).permit();
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      // A short park, not a spin: the machine running the tests may be busy with other work.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  @Test
  void enforcesThePerScriptAndTheGlobalLimit() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(3, 2, 4, Duration.ofSeconds(1)));
    Slot.Permit a1 = admitted(bulkhead.acquire("a", Duration.ZERO));
    Slot.Permit a2 = admitted(bulkhead.acquire("a", Duration.ZERO));

    assertThat(bulkhead.acquire("a", Duration.ZERO)).isInstanceOf(Slot.Rejected.class);
    Slot.Permit b1 = admitted(bulkhead.acquire("b", Duration.ZERO));
    assertThat(bulkhead.acquire("c", Duration.ZERO)).isInstanceOf(Slot.Rejected.class);
    assertThat(bulkhead.running()).isEqualTo(3);
    assertThat(bulkhead.running("a")).isEqualTo(2);

    a1.close();
    a1.close();
    assertThat(bulkhead.running()).isEqualTo(2);
    a2.close();
    b1.close();
    assertThat(bulkhead.running()).isZero();
    assertThat(bulkhead.running("a")).isZero();
  }

  @Test
  void rejectsAtOnceWhenTheQueueIsFull() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(1, 1, 1, Duration.ofSeconds(2)));
    Slot.Permit held = admitted(bulkhead.acquire("a", Duration.ZERO));
    Future<Slot> waiting = threads.submit(() -> bulkhead.acquire("a", LONG));
    awaitTrue(() -> bulkhead.queued() == 1);

    Slot rejected = bulkhead.acquire("b", LONG);

    assertThat(rejected).isInstanceOf(Slot.Rejected.class);
    assertThat(((Slot.Rejected) rejected).reason()).contains("queue");
    assertThat(((Slot.Rejected) rejected).retryAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(waiting).isNotDone();
    held.close();
    admitted(waiting.get(10, TimeUnit.SECONDS)).close();
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void rejectsWhenTheWaitExpiresAndLeavesTheQueue() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(1, 1, 4, Duration.ofSeconds(1)));
    Slot.Permit held = admitted(bulkhead.acquire("a", Duration.ZERO));

    Slot expired = bulkhead.acquire("a", Duration.ofMillis(50));

    assertThat(expired).isInstanceOf(Slot.Rejected.class);
    assertThat(((Slot.Rejected) expired).reason()).contains("50 ms");
    assertThat(bulkhead.queued()).isZero();
    assertThat(bulkhead.queued("a")).isZero();
    held.close();
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void handsFreedSlotsToWaitersInArrivalOrder() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(1, 1, 4, Duration.ofSeconds(1)));
    Slot.Permit held = admitted(bulkhead.acquire("a", Duration.ZERO));
    List<String> order = new CopyOnWriteArrayList<>();
    List<Future<?>> waiters = new ArrayList<>();
    for (String name : List.of("first", "second", "third")) {
      int ahead = waiters.size();
      waiters.add(threads.submit(() -> {
        try (Slot.Permit permit = admitted(bulkhead.acquire("a", LONG))) {
          order.add(name + " as " + permit.scriptKey());
        }
        return null;
      }));
      awaitTrue(() -> bulkhead.queued() == ahead + 1);
    }

    held.close();
    for (Future<?> waiter : waiters) {
      waiter.get(10, TimeUnit.SECONDS);
    }

    assertThat(order).containsExactly("first as a", "second as a", "third as a");
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void aScriptAtItsLimitDoesNotHoldUpOtherScripts() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(4, 1, 4, Duration.ofSeconds(1)));
    Slot.Permit a = admitted(bulkhead.acquire("a", Duration.ZERO));
    Future<Slot> secondA = threads.submit(() -> bulkhead.acquire("a", LONG));
    awaitTrue(() -> bulkhead.queued("a") == 1);

    Slot.Permit b = admitted(bulkhead.acquire("b", Duration.ZERO));

    assertThat(bulkhead.running()).isEqualTo(2);
    b.close();
    assertThat(secondA).isNotDone();
    a.close();
    admitted(secondA.get(10, TimeUnit.SECONDS)).close();
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void interruptedWaiterLeavesWithoutASlot() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(1, 1, 4, Duration.ofSeconds(1)));
    Slot.Permit held = admitted(bulkhead.acquire("a", Duration.ZERO));
    AtomicReference<Thread> waiter = new AtomicReference<>();
    CountDownLatch interrupted = new CountDownLatch(1);
    threads.submit(() -> {
      waiter.set(Thread.currentThread());
      try {
        bulkhead.acquire("a", LONG);
      } catch (InterruptedException expected) {
        interrupted.countDown();
      }
      return null;
    });
    awaitTrue(() -> bulkhead.queued() == 1);

    waiter.get().interrupt();

    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(bulkhead.queued()).isZero();
    assertThat(bulkhead.running()).isEqualTo(1);
    held.close();
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void aQueuedRequestWithoutAThreadGetsItsSlotOnTheThreadThatFreedIt() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(1, 1, 4, Duration.ofSeconds(1)));
    List<String> answers = new CopyOnWriteArrayList<>();
    List<Slot> slots = new CopyOnWriteArrayList<>();
    bulkhead.acquire("a", LONG, timers, slot -> {
      answers.add("now on " + Thread.currentThread().getName());
      slots.add(slot);
    });
    assertThat(answers).containsExactly("now on " + Thread.currentThread().getName());
    Slot.Permit held = admitted(slots.get(0));

    for (String name : List.of("first", "second")) {
      bulkhead.acquire("a", LONG, timers, slot -> {
        answers.add(name + " on " + Thread.currentThread().getName());
        slots.add(slot);
      });
    }
    assertThat(bulkhead.queued()).isEqualTo(2);
    assertThat(answers).hasSize(1);

    Future<?> release = threads.submit(() -> {
      Thread.currentThread().setName("releaser");
      held.close();
    });
    release.get(10, TimeUnit.SECONDS);

    assertThat(answers).containsExactly("now on " + Thread.currentThread().getName(),
        "first on releaser");
    admitted(slots.get(1)).close();
    assertThat(answers).last().isEqualTo("second on " + Thread.currentThread().getName());
    admitted(slots.get(2)).close();
    assertThat(bulkhead.running()).isZero();
    assertThat(bulkhead.queued()).isZero();
  }

  @Test
  void aQueuedRequestWithoutAThreadIsRejectedWhenItsWaitExpires() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(1, 1, 4, Duration.ofSeconds(1)));
    Slot.Permit held = admitted(bulkhead.acquire("a", Duration.ZERO));
    CompletableFuture<Slot> answer = new CompletableFuture<>();

    bulkhead.acquire("a", Duration.ofMillis(50), timers, answer::complete);

    Slot expired = answer.get(10, TimeUnit.SECONDS);
    assertThat(expired).isInstanceOf(Slot.Rejected.class);
    assertThat(((Slot.Rejected) expired).reason()).contains("within 50 ms");
    assertThat(bulkhead.queued()).isZero();
    held.close();
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void cancellingAQueuedRequestAnswersItOnceAndCancellingLaterDoesNothing() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(1, 1, 4, Duration.ofSeconds(1)));
    Slot.Permit held = admitted(bulkhead.acquire("a", Duration.ZERO));
    List<Slot> answers = new CopyOnWriteArrayList<>();

    Bulkhead.Queued gone = bulkhead.acquire("a", LONG, timers, answers::add);
    Bulkhead.Queued served = bulkhead.acquire("a", LONG, timers, answers::add);
    gone.cancel("the client went away");
    gone.cancel("again");

    assertThat(answers).singleElement().isInstanceOfSatisfying(Slot.Rejected.class,
        rejected -> assertThat(rejected.reason()).isEqualTo("the client went away"));
    held.close();
    assertThat(answers).hasSize(2);
    Slot.Permit second = admitted(answers.get(1));
    served.cancel("too late: the slot came first");
    assertThat(answers).hasSize(2);
    assertThat(bulkhead.running()).isEqualTo(1);
    second.close();
    assertThat(bulkhead.running()).isZero();
    assertThat(bulkhead.queued()).isZero();
  }

  @Test
  void aFullQueueRefusesARequestWithoutAThreadAtOnce() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(1, 1, 1, Duration.ofSeconds(3)));
    Slot.Permit held = admitted(bulkhead.acquire("a", Duration.ZERO));
    List<Slot> answers = new CopyOnWriteArrayList<>();
    bulkhead.acquire("a", LONG, timers, answers::add);

    bulkhead.acquire("b", LONG, timers, answers::add);

    assertThat(answers).singleElement().isInstanceOfSatisfying(Slot.Rejected.class,
        rejected -> assertThat(rejected.reason()).contains("queue of 1 waiting requests is full"));
    held.close();
    admitted(answers.get(1)).close();
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void thousandConcurrentAcquiresWithInterruptsNeverLeakAPermit() throws Exception {
    Bulkhead bulkhead = new Bulkhead(new BulkheadSettings(6, 3, 64, Duration.ofSeconds(1)));
    Churn churn = new Churn(bulkhead);
    List<Thread> workers = new CopyOnWriteArrayList<>();
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < 20; w++) {
      futures.add(threads.submit(() -> churn.work(workers, 50)));
    }
    awaitTrue(() -> workers.size() == 20);
    churn.start.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (churn.done.get() < 1000 && System.nanoTime() < deadline) {
      workers.get(ThreadLocalRandom.current().nextInt(workers.size())).interrupt();
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
    }
    for (Future<?> future : futures) {
      future.get(20, TimeUnit.SECONDS);
    }

    assertThat(churn.done.get()).isEqualTo(1000);
    assertThat(churn.mostRunning.get()).isBetween(1, 6);
    assertThat(bulkhead.running()).isZero();
    assertThat(bulkhead.queued()).isZero();
    assertThat(bulkhead.runningPerScript()).isEmpty();
    assertThat(bulkhead.queuedPerScript()).isEmpty();
  }

  /** Workers that acquire and release slots of four scripts as fast as they can. */
  private static final class Churn {
    final Bulkhead bulkhead;
    final CountDownLatch start = new CountDownLatch(1);
    final AtomicInteger runningNow = new AtomicInteger();
    final AtomicInteger mostRunning = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();

    Churn(Bulkhead bulkhead) {
      this.bulkhead = bulkhead;
    }

    Void work(List<Thread> workers, int rounds) {
      workers.add(Thread.currentThread());
      // Not await(): an interrupt meant for acquire could land here and end the worker early.
      while (start.getCount() > 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      for (int i = 0; i < rounds; i++) {
        String script = "script-" + ThreadLocalRandom.current().nextInt(4);
        try {
          if (bulkhead.acquire(script, Duration.ofMillis(200)) instanceof Slot.Admitted admitted) {
            try (Slot.Permit permit = admitted.permit()) {
              assertThat(permit.scriptKey()).isEqualTo(script);
              mostRunning.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
              Thread.yield();
              runningNow.decrementAndGet();
            }
          }
        } catch (InterruptedException interruptedWhileWaiting) {
          // The point of the test: an interrupted waiter must give back what it got.
        }
        done.incrementAndGet();
      }
      return null;
    }
  }
}
