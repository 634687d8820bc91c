package io.cgiguard.attempt;

import io.cgiguard.admission.Bulkhead;
import io.cgiguard.admission.CircuitAdmission;
import io.cgiguard.admission.CircuitBreaker;
import io.cgiguard.admission.CircuitBreakers;
import io.cgiguard.admission.ProcessShortage;
import io.cgiguard.admission.RetryDecision;
import io.cgiguard.admission.RetryFacts;
import io.cgiguard.admission.Slot;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.Launch;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.ScriptProcess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * The guard's part of a request: bulkhead, then circuit breaker, then the attempt loop (launch,
 * read the header block, classify, decide). It returns a script whose complete header block may be
 * relayed, or the failure with every attempt kept. Nothing has reached the client while this runs,
 * which is what makes a retry safe.
 */
public final class ScriptAttempts {

  /** How late a header timeout, or a body's limit, may fire: the period of the watchdog's round. */
  private static final Duration HEADER_TIMEOUT_PRECISION = Duration.ofMillis(50);

  private final Launcher launcher;
  private final Bulkhead bulkhead;
  private final CircuitBreakers circuits;
  private final Watchdog watchdog;
  private final ScheduledExecutorService timers;
  private final ExecutorService pumps;
  private final Clock clock;
  private final RandomGenerator random;
  private final AttemptListener listener;
  private final ProcessShortage shortage;

  public ScriptAttempts(Launcher launcher, Bulkhead bulkhead, CircuitBreakers circuits,
      ScheduledExecutorService timers, ExecutorService pumps, Clock clock, RandomGenerator random,
      AttemptListener listener) {
    this(launcher, bulkhead, circuits, timers, pumps, clock, random, listener,
        new ProcessShortage(bulkhead, errno -> "", clock, Duration.ofSeconds(1)));
  }

  /** @param shortage lowers the bulkhead's limit while spawns fail for lack of processes */
  public ScriptAttempts(Launcher launcher, Bulkhead bulkhead, CircuitBreakers circuits,
      ScheduledExecutorService timers, ExecutorService pumps, Clock clock, RandomGenerator random,
      AttemptListener listener, ProcessShortage shortage) {
    this.shortage = shortage;
    this.launcher = launcher;
    this.bulkhead = bulkhead;
    this.circuits = circuits;
    this.watchdog = new Watchdog(timers, HEADER_TIMEOUT_PRECISION);
    this.timers = timers;
    this.pumps = pumps;
    this.clock = clock;
    this.random = random;
    this.listener = listener;
  }

  /**
   * @return the gateway's one watchdog: the header timeouts of these attempts run on it, and so
   *     do the checks of the bodies relayed after them
   */
  public Watchdog watchdog() {
    return watchdog;
  }

  /** @return the gateway-wide shortage signal these attempts report to */
  public ProcessShortage shortage() {
    return shortage;
  }

  /** Runs {@code plan} until a script produced a complete header block or the rules say stop. */
  public Outcome run(AttemptPlan plan) throws InterruptedException {
    return run(plan, new Abandonment());
  }

  /**
   * As {@link #run(AttemptPlan)}, and the script of each attempt is killed when the request is
   * abandoned; an abandoned request is not retried. A request that waits for a slot holds this
   * thread while it waits.
   */
  public Outcome run(AttemptPlan plan, Abandonment abandonment) throws InterruptedException {
    CircuitBreaker circuit = circuits.forScript(plan.scriptKey());
    CircuitAdmission admission = circuit.tryAcquire();
    if (admission instanceof CircuitAdmission.Refused refused) {
      return circuitOpen(refused);
    }
    Slot slot = bulkhead.acquire(plan.scriptKey(), plan.queueWait());
    return admitted(plan, slot, circuit, (CircuitAdmission.Allowed) admission, abandonment);
  }

  /** Where a request's outcome goes when the attempts run without the caller's thread. */
  public interface Then {
    /** The outcome, to be relayed or answered; called on a thread of the executor or the caller. */
    void outcome(Outcome outcome);

    /**
     * The attempts could not end in an outcome: {@link InterruptedException} when the gateway
     * stops and interrupted the thread that ran them, {@link RejectedExecutionException} when the
     * executor, stopping, refused to run a queued request (then on the thread that freed the slot
     * or on a timer), or what the attempt loop threw.
     */
    void failed(Throwable failure);
  }

  /**
   * As {@link #run(AttemptPlan, Abandonment)}, but a request that must wait for a slot holds no
   * thread while it waits: it is a callback in the bulkhead's queue, and {@code executor} runs its
   * attempts once a slot is its. A request that gets a slot at once runs on the calling thread.
   * An abandoned request leaves the queue at once. {@code then} hears exactly once.
   */
  public void run(AttemptPlan plan, Abandonment abandonment, Executor executor, Then then) {
    CircuitBreaker circuit = circuits.forScript(plan.scriptKey());
    CircuitAdmission admission = circuit.tryAcquire();
    if (admission instanceof CircuitAdmission.Refused refused) {
      then.outcome(circuitOpen(refused));
      return;
    }
    CircuitAdmission.Allowed allowed = (CircuitAdmission.Allowed) admission;
    Thread caller = Thread.currentThread();
    // Set while the bulkhead answers at once on this thread: that answer runs here, any later one
    // (on whatever thread freed a slot) goes to the executor.
    AtomicBoolean answeringNow = new AtomicBoolean(true);
    Bulkhead.Queued queued = bulkhead.acquire(plan.scriptKey(), plan.queueWait(), timers, slot -> {
      if (Thread.currentThread() == caller && answeringNow.get()) {
        finish(plan, slot, circuit, allowed, abandonment, then);
        return;
      }
      try {
        executor.execute(() -> finish(plan, slot, circuit, allowed, abandonment, then));
      } catch (RejectedExecutionException stopping) {
        if (slot instanceof Slot.Admitted granted) {
          granted.permit().close();
        }
        then.failed(stopping);
      }
    });
    answeringNow.set(false);
    abandonment.whileQueued(() -> queued.cancel("the client went away while the request waited "
        + "for a slot"));
  }

  private void finish(AttemptPlan plan, Slot slot, CircuitBreaker circuit,
      CircuitAdmission.Allowed allowed, Abandonment abandonment, Then then) {
    abandonment.dequeued();
    Outcome outcome;
    try {
      outcome = admitted(plan, slot, circuit, allowed, abandonment);
    } catch (InterruptedException | RuntimeException | Error e) {
      then.failed(e);
      return;
    }
    then.outcome(outcome);
  }

  private static Outcome circuitOpen(CircuitAdmission.Refused refused) {
    return new Outcome.Refused(FailureKind.CIRCUIT_OPEN, "the script's circuit is open after "
        + "repeated failures", refused.retryAfter(), AttemptHistory.empty());
  }

  /** What follows the bulkhead's answer: a refusal, or the attempts under the slot. */
  private Outcome admitted(AttemptPlan plan, Slot slot, CircuitBreaker circuit,
      CircuitAdmission.Allowed allowed, Abandonment abandonment) throws InterruptedException {
    if (slot instanceof Slot.Rejected rejected) {
      Optional<String> shortageCause = shortage.refused();
      if (shortageCause.isPresent()) {
        return new Outcome.Refused(FailureKind.SPAWN_FAILED, shortageCause.get(),
            shortage.retryAfter(), AttemptHistory.empty());
      }
      // Not the script's fault: the circuit hears nothing of it (a refused half-open probe
      // expires by itself).
      return new Outcome.Refused(FailureKind.OVERLOADED, rejected.reason(), rejected.retryAfter(),
          AttemptHistory.empty());
    }
    Slot.Permit permit = ((Slot.Admitted) slot).permit();
    Outcome outcome;
    try {
      outcome = attempts(plan, permit, circuit, allowed, abandonment);
    } catch (InterruptedException | RuntimeException | Error e) {
      permit.close();
      throw e;
    }
    if (!(outcome instanceof Outcome.Relay)) {
      permit.close();
      if (scriptsFault(outcome, plan, abandonment)) {
        circuit.record(allowed, false);
      }
    }
    return outcome;
  }

  /**
   * @return whether a failed outcome is the script's, for its circuit to hear of. A script that
   *     never ran for lack of processes has not failed; nor has one stopped because its client
   *     left or its request body could not be had (malformed, cut short, too large): counting
   *     those would let any client open any script's circuit with a few bad requests. A half-open
   *     probe left unanswered expires by itself.
   */
  private static boolean scriptsFault(Outcome outcome, AttemptPlan plan,
      Abandonment abandonment) {
    if (outcome instanceof Outcome.Failed failed && ProcessShortage.isShortage(failed.failure())) {
      return false;
    }
    return !abandonment.abandoned() && plan.body().requestFailure().isEmpty();
  }

  private Outcome attempts(AttemptPlan plan, Slot.Permit permit, CircuitBreaker circuit,
      CircuitAdmission.Allowed allowed, Abandonment abandonment) throws InterruptedException {
    AttemptHistory history = AttemptHistory.empty();
    while (true) {
      int number = history.count() + 1;
      Instant started = clock.instant();
      int generation = shortage.generation();
      HeaderRead read = attemptOnce(plan, abandonment);
      observeSpawn(read.verdict(), generation);
      Duration elapsed = Duration.between(started, clock.instant());
      if (read.verdict() instanceof Verdict.Success success) {
        Attempt attempt = Attempt.succeeded(number, elapsed);
        listener.attempted(plan.scriptKey(), attempt);
        return new Outcome.Relay(read.process(), success.block(), history.with(attempt),
            ok -> {
              permit.close();
              circuit.record(allowed, ok);
            });
      }
      Failure failure = ((Verdict.Failed) read.verdict()).failure();
      Attempt attempt = Attempt.failed(number, failure, elapsed);
      listener.attempted(plan.scriptKey(), attempt);
      history = history.with(attempt);
      if (abandonment.abandoned() || launcher.isClosed()) {
        // The client left, or the gateway is stopping and killed the script: a retry helps
        // no one, and a closed launcher would only refuse it.
        return new Outcome.Failed(failure, history);
      }
      RetryDecision decision = plan.retry().decide(RetryFacts.after(failure,
          plan.incurable().cause(failure), plan.method(),
          plan.body().replay(), number, Duration.between(plan.arrived(), clock.instant())), random);
      if (decision instanceof RetryDecision.Retry retry) {
        Thread.sleep(retry.delay().toMillis());
        continue;
      }
      return new Outcome.Failed(failure, history);
    }
  }

  /** Tells the shortage whether this attempt's spawn worked. */
  private void observeSpawn(Verdict verdict, int generation) {
    if (verdict instanceof Verdict.Failed failed
        && failed.failure().kind() == FailureKind.SPAWN_FAILED) {
      failed.failure().evidence().spawnError()
          .ifPresent(error -> shortage.spawnFailed(error.errnoName(), generation));
    } else {
      shortage.spawned();
    }
  }

  /** One launch and header read; the process is closed unless the verdict is a success. */
  private HeaderRead attemptOnce(AttemptPlan plan, Abandonment abandonment)
      throws InterruptedException {
    Instant started = clock.instant();
    Launch launch = launcher.launch(plan.spec());
    if (launch instanceof Launch.Failed failed) {
      ScriptRun run = run(plan, new byte[0], started);
      return new HeaderRead(Classifier.classify(new Observation.SpawnFailed(failed.error()), run),
          null);
    }
    ScriptProcess process = ((Launch.Started) launch).process();
    abandonment.watch(process);
    listener.spawned(plan.scriptKey(), process);
    HeaderReading reading = new HeaderReading(process, plan, watchdog, pumps,
        () -> listener.firstOutput(process));
    Observation observation = reading.read();
    ScriptRun run = run(plan, process.stderrTail(), started);
    Verdict verdict = Classifier.classify(observation, run);
    if (!(verdict instanceof Verdict.Success)) {
      abandonment.release();
      process.close();
      listener.closed(process);
      // The stderr drain reaches EOF only by close(): the tail taken before it can miss the last
      // lines, such as Perl's compile error, that the diagnosis needs.
      return new HeaderRead(Classifier.classify(observation, new ScriptRun(run.scriptPath(),
          run.argv(), process.stderrTail(), run.wallTime())), null);
    }
    return new HeaderRead(verdict, process);
  }

  private ScriptRun run(AttemptPlan plan, byte[] stderrTail, Instant started) {
    return new ScriptRun(plan.spec().argv().get(plan.spec().argv().size() > 1 ? 1 : 0),
        plan.spec().argv(), stderrTail, Duration.between(started, clock.instant()));
  }

  private record HeaderRead(Verdict verdict, ScriptProcess process) {}
}
