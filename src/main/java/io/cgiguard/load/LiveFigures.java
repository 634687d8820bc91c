package io.cgiguard.load;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/** What a running load shows on its progress line; read from another thread while it runs. */
public interface LiveFigures {

  /** @return measured time so far, zero during warmup */
  Duration elapsed();

  /** @return the measured requests and failures counted so far */
  Counts counts();

  /** @return measured requests completed so far */
  default long requests() {
    return counts().requests();
  }

  /** @return measured failures so far */
  default long failures() {
    return counts().failures();
  }

  /**
   * Requests and failures as the workers complete them. LongAdder: every worker bumps these on
   * every response, and a shared AtomicLong would be contended.
   */
  final class Counts {
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();

    /** Counts one completed request whose outcome is {@code category}. */
    void add(String category) {
      requests.increment();
      if (!ReplyClassifier.OK.equals(category)) {
        failures.increment();
      }
    }

    /** @return requests counted so far */
    public long requests() {
      return requests.sum();
    }

    /** @return requests counted so far whose outcome was not {@code ok} */
    public long failures() {
      return failures.sum();
    }
  }
}
