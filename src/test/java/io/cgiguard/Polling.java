package io.cgiguard;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The one way the tests wait: poll a condition against a deadline, never a bare sleep. */
public final class Polling {

  private static final long PAUSE_MILLIS = 20;

  private Polling() {}

  /** Polls {@code condition} until it holds or {@code timeout} passes; @return whether it held */
  public static boolean eventually(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(PAUSE_MILLIS);
    }
    return true;
  }
}
