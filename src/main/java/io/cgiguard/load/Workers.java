package io.cgiguard.load;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Runs one daemon thread per worker, each counting into a tally of its own, and waits for all. */
final class Workers {

  private Workers() {}

  /**
   * @param namePrefix the threads' names, followed by the worker's index
   * @param count how many workers
   * @param body the work of worker {@code i}, counting into its tally
   * @return the workers' tallies, in index order, once every worker has ended
   * @throws InterruptedException when the caller is interrupted; every worker is then interrupted
   */
  static List<WorkerTally> run(String namePrefix, int count,
      BiFunction<Integer, WorkerTally, Runnable> body) throws InterruptedException {
    List<WorkerTally> tallies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      WorkerTally tally = new WorkerTally();
      tallies.add(tally);
      Thread thread = new Thread(body.apply(i, tally), namePrefix + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      threads.forEach(Thread::interrupt);
      throw e;
    }
    return tallies;
  }
}
