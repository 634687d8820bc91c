package io.cgiguard.cli;

import io.cgiguard.admission.Bulkhead;
import io.cgiguard.admission.CircuitBreakers;
import io.cgiguard.attempt.AttemptListener;
import io.cgiguard.attempt.ScriptAttempts;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import io.cgiguard.plan.ScriptPlans;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The launcher and guard a command uses without a server, closed together. */
final class RunSession implements AutoCloseable {

  private final Launcher launcher = Launchers.create();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
      runnable -> daemon(runnable, "cgiguard-timer"));
  private final ExecutorService pumps = Executors.newCachedThreadPool(
      runnable -> daemon(runnable, "cgiguard-stdin"));
  private final ScriptAttempts attempts;

  RunSession(GatewayConfig config) {
    Launchers.announce(launcher);
    this.attempts = new ScriptAttempts(launcher, new Bulkhead(ScriptPlans.bulkhead(config)),
        new CircuitBreakers(ScriptPlans.circuit(config), Clock.systemUTC()),
        timers, pumps, Clock.systemUTC(), new SecureRandom(), AttemptListener.NONE);
  }

  ScriptAttempts attempts() {
    return attempts;
  }

  Launcher launcher() {
    return launcher;
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  @Override
  public void close() {
    timers.shutdownNow();
    pumps.shutdownNow();
    launcher.close();
  }
}
