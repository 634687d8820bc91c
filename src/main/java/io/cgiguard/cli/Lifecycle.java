package io.cgiguard.cli;

import io.cgiguard.http.ConfigSource;
import io.cgiguard.http.GatewayServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code serve} does on the operator's signals: {@code SIGHUP} re-reads the configuration
 * ({@link GatewayServer#reload()}); {@code SIGUSR1} reopens the access log; {@code SIGTERM} drains
 * ({@link GatewayServer#drain()}) and then lets {@code serve} exit 0; {@code SIGINT} (Ctrl-C)
 * stops at once, as the JVM's own handling would, with status 130, the scripts killed first.
 *
 * <p>Every thread this needs is made by the constructor, where a machine that cannot give them
 * stops {@code serve} at start-up: the signals' reader ({@link Signals#prepare}), a worker for
 * reloads and reopenings, and the thread that runs a drain. A signal that arrives when the
 * process table is full then needs no thread made. A reload and a reopening run on the worker,
 * one after another, so that one stuck on a slow file system never holds up a {@code SIGTERM},
 * which only hands the drain to its thread.
 */
final class Lifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
  /** What the JVM's own SIGINT handling exits with: 128 plus the signal's number. */
  private static final int SIGINT_STATUS = 130;

  private final GatewayServer server;
  private final ThreadPoolExecutor worker;
  private final CountDownLatch drainAsked = new CountDownLatch(1);
  private final AtomicBoolean draining = new AtomicBoolean();

  /**
   * Makes the threads, which wait until {@link #install} and a signal give them work.
   *
   * @param stopped counted down once a drain has stopped the gateway
   */
  Lifecycle(GatewayServer server, CountDownLatch stopped) {
    this.server = server;
    Signals.prepare();
    worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        task -> daemon(task, "cgiguard-reload"));
    worker.prestartCoreThread();
    daemon(() -> {
      try {
        drainAsked.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        server.drain();
      } finally {
        stopped.countDown();
      }
    }, "cgiguard-drain").start();
  }

  /**
   * Takes the signals.
   *
   * @param source what a reload reads: the same file and flags {@code serve} started with
   * @param close stops the server and kills the scripts, at most once (the shutdown hook runs it
   *     too, where a thread can be made for the hook)
   */
  void install(ConfigSource source, Runnable close) {
    server.reloadFrom(source);
    Signals.handle("HUP", () -> onWorker("SIGHUP", () -> {
      LOG.info("SIGHUP: re-reading the configuration");
      server.reload();
    }));
    Signals.handle("USR1", () -> onWorker("SIGUSR1", () -> ReopenSignal.reopen(
        server::reopenAccessLog)));
    Signals.handle("TERM", () -> {
      if (!draining.compareAndSet(false, true)) {
        LOG.info("SIGTERM: already draining");
        return;
      }
      LOG.info("SIGTERM: draining");
      drainAsked.countDown();
    });
    Signals.handleUnlessIgnored("INT", () -> {
      LOG.info("SIGINT: stopping now");
      close.run();
      Runtime.getRuntime().exit(SIGINT_STATUS);
    });
  }

  /** Runs {@code action} on the worker; whatever it throws is logged and the worker lives on. */
  private void onWorker(String signal, Runnable action) {
    worker.execute(() -> {
      try {
        action.run();
      } catch (Throwable e) { // a worker that died would need a new thread to replace it
        LOG.error("handling {} failed", signal, e);
      }
    });
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
