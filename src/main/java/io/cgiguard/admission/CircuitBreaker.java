package io.cgiguard.admission;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Stops sending requests to a script that keeps failing, so that a broken script costs a quick
 * 503 instead of a process spawn, a timeout and a retry per request. One breaker per script.
 *
 * <p>The window holds the outcomes of the last {@code window} requests, each counted once after
 * its retries. The circuit opens when at least {@code minRequests} outcomes are in and the share
 * of failures reaches {@code failureRatio}; after {@code openFor} one probe request is let
 * through; its success closes the circuit (and empties the window), its failure re-opens it.
 *
 * <p>Thread-safe: every method holds the breaker's monitor for a few field updates only.
 */
public final class CircuitBreaker {

  private final CircuitSettings settings;
  private final Clock clock;
  private final boolean[] failed;
  private int next;
  private int outcomes;
  private int failures;
  private CircuitState state = CircuitState.CLOSED;
  private Instant openedAt;
  private Instant probeStartedAt;
  private long timesOpened;

  public CircuitBreaker(CircuitSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.failed = new boolean[settings.window()];
  }

  /** @return whether a request may run the script now, and whether it is the half-open probe */
  public synchronized CircuitAdmission tryAcquire() {
    Instant now = clock.instant();
    if (state == CircuitState.CLOSED) {
      return new CircuitAdmission.Allowed(false);
    }
    if (state == CircuitState.OPEN) {
      Duration remaining = Duration.between(now, openedAt.plus(settings.openFor()));
      if (remaining.compareTo(Duration.ZERO) > 0) {
        return new CircuitAdmission.Refused(remaining);
      }
      return startProbe(now);
    }
    // Half-open with a probe out: a probe whose outcome never came (the client went away before
    // it was recorded) must not keep the circuit shut for ever, so it expires after openFor.
    if (!now.isBefore(probeStartedAt.plus(settings.openFor()))) {
      return startProbe(now);
    }
    return new CircuitAdmission.Refused(
        Duration.between(now, probeStartedAt.plus(settings.openFor())));
  }

  private CircuitAdmission startProbe(Instant now) {
    state = CircuitState.HALF_OPEN;
    probeStartedAt = now;
    return new CircuitAdmission.Allowed(true);
  }

  /**
   * Records the final outcome of a request, telling the probe from requests that were let in
   * before the circuit opened: while half-open only the probe's outcome decides.
   *
   * @param admission what {@link #tryAcquire()} answered this request
   * @param success whether the request got a relayable response from the script
   */
  public synchronized void record(CircuitAdmission.Allowed admission, boolean success) {
    if (state == CircuitState.HALF_OPEN && !admission.probe()) {
      return;
    }
    record(success);
  }

  /**
   * Records the final outcome of a request that was {@link CircuitAdmission.Allowed allowed}.
   * While half-open any outcome counts as the probe's; prefer {@link
   * #record(CircuitAdmission.Allowed, boolean)}.
   *
   * @param success whether the request got a relayable response from the script
   */
  public synchronized void record(boolean success) {
    if (state == CircuitState.HALF_OPEN) {
      if (success) {
        close();
      } else {
        open();
      }
      return;
    }
    add(!success);
    if (state == CircuitState.CLOSED
        && outcomes >= settings.minRequests()
        && failures >= settings.failureRatio() * outcomes) {
      open();
    }
  }

  private void add(boolean failure) {
    if (outcomes == failed.length) {
      if (failed[next]) {
        failures--;
      }
    } else {
      outcomes++;
    }
    failed[next] = failure;
    if (failure) {
      failures++;
    }
    next = (next + 1) % failed.length;
  }

  private void open() {
    state = CircuitState.OPEN;
    openedAt = clock.instant();
    probeStartedAt = null;
    timesOpened++;
  }

  private void close() {
    state = CircuitState.CLOSED;
    probeStartedAt = null;
    // A fresh window: the failures that opened the circuit are history once the probe succeeded.
    java.util.Arrays.fill(failed, false);
    next = 0;
    outcomes = 0;
    failures = 0;
  }

  /** @return the state, counts and last opening, consistent with each other */
  public synchronized CircuitSnapshot snapshot() {
    return new CircuitSnapshot(
        state, outcomes, failures, Optional.ofNullable(openedAt), timesOpened);
  }
}
