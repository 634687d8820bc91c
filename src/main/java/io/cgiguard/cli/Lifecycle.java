package io.cgiguard.cli;

import io.cgiguard.http.ConfigSource;
import io.cgiguard.http.GatewayServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code serve} does on the operator's signals: {@code SIGHUP} re-reads the configuration
 * ({@link GatewayServer#reload()}); {@code SIGTERM} drains ({@link GatewayServer#drain()}) and
 * then lets {@code serve} exit 0. {@code SIGINT} (Ctrl-C) keeps the JVM's default: a quick stop.
 * Neither needs a thread made when the signal arrives ({@link Signals#handle}).
 */
final class Lifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  private Lifecycle() {}

  /**
   * @param source what a reload reads: the same file and flags {@code serve} started with
   * @param stopped counted down once a drain has stopped the gateway
   */
  static void install(GatewayServer server, ConfigSource source, CountDownLatch stopped) {
    server.reloadFrom(source);
    Signals.handle("HUP", () -> {
      LOG.info("SIGHUP: re-reading the configuration");
      server.reload();
    });
    AtomicBoolean draining = new AtomicBoolean();
    CountDownLatch asked = new CountDownLatch(1);
    // Made now, with the gateway's other threads: a SIGTERM that arrives when the process table
    // is full could not make it, and the stop would not happen.
    Thread drain = new Thread(() -> {
      try {
        asked.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        server.drain();
      } finally {
        stopped.countDown();
      }
    }, "cgiguard-drain");
    drain.setDaemon(true);
    drain.start();
    Signals.handle("TERM", () -> {
      if (!draining.compareAndSet(false, true)) {
        LOG.info("SIGTERM: already draining");
        return;
      }
      LOG.info("SIGTERM: draining");
      asked.countDown();
    });
  }
}
