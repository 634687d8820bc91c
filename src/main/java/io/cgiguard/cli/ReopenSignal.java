package io.cgiguard.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code SIGUSR1} reopens the access log file, as logrotate's {@code postrotate} expects
 * ({@code kill -USR1}). HotSpot on Linux leaves {@code SIGUSR1} to applications; {@link Lifecycle}
 * takes it, like {@code SIGHUP} and {@code SIGTERM}.
 */
final class ReopenSignal {

  private static final Logger LOG = LoggerFactory.getLogger(ReopenSignal.class);

  private ReopenSignal() {}

  /** What the signal runs. */
  interface Action {
    void run() throws Exception;
  }

  /** Runs {@code action} and logs how it went. */
  static void reopen(Action action) {
    try {
      action.run();
      LOG.info("SIGUSR1: access log reopened");
    } catch (Exception e) {
      LOG.warn("SIGUSR1: reopening the access log failed: {}", e.getMessage());
    }
  }
}
