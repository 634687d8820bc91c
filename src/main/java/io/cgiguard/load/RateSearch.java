package io.cgiguard.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --find-max-rate}: the highest open-loop rate a target takes while holding an
 * {@link Slo}. The rate doubles from a start until a step breaks the objective, then the gap
 * between the last rate that held and the first that broke is halved until it is within
 * {@value #PRECISION_PERCENT} % (or the step budget runs out). Each step is a whole run of its
 * own, latency counted from the intended send time, so a queue that builds up at the server shows
 * in the step that built it.
 */
public final class RateSearch {

  /** The search stops when the gap between held and broken is this close, in percent. */
  public static final int PRECISION_PERCENT = 5;
  /** The most steps a search runs, climbing and bisecting together. */
  public static final int MAX_STEPS = 14;
  /** Rates below this are not tried: a target that cannot hold it has no useful maximum. */
  static final double LOWEST_RATE = 0.5;

  /** Runs one step at a rate; {@link LoadRun} in real use. */
  @FunctionalInterface
  public interface StepRunner {
    LoadResult run(double ratePerSecond) throws InterruptedException;
  }

  /**
   * One step of the search.
   *
   * @param ratePerSecond the offered rate
   * @param result what it measured
   * @param brokenBy the objective's term it broke, empty when it held
   */
  public record Step(double ratePerSecond, LoadResult result, Optional<String> brokenBy) {
    public boolean held() {
      return brokenBy.isEmpty();
    }
  }

  /**
   * @param slo the objective searched for
   * @param maxRatePerSecond the highest rate that held; 0 when none did
   * @param steps every step in the order run
   */
  public record Outcome(Slo slo, double maxRatePerSecond, List<Step> steps) {
    public Outcome {
      steps = List.copyOf(steps);
    }

    /** @return the step that set the maximum, or the last step when none held */
    public Step best() {
      Step best = steps.get(steps.size() - 1);
      for (Step step : steps) {
        if (step.held() && step.ratePerSecond() == maxRatePerSecond) {
          best = step;
        }
      }
      return best;
    }
  }

  private final Slo slo;
  private final double startRate;
  private final StepRunner runner;
  private final long pauseMillis;

  /**
   * @param slo what each step must hold
   * @param startRate the first rate tried, per second
   * @param runner runs one step
   * @param pauseMillis quiet time between steps so that a queue left by a broken step drains
   */
  public RateSearch(Slo slo, double startRate, StepRunner runner, long pauseMillis) {
    if (!(startRate >= LOWEST_RATE)) {
      throw new IllegalArgumentException("the start rate must be at least " + LOWEST_RATE + "/s");
    }
    this.slo = slo;
    this.startRate = startRate;
    this.runner = runner;
    this.pauseMillis = pauseMillis;
  }

  /** Runs the search to its end. */
  public Outcome run() throws InterruptedException {
    List<Step> steps = new ArrayList<>();
    double held = 0;
    double broke = Double.POSITIVE_INFINITY;
    double rate = startRate;
    while (steps.size() < MAX_STEPS) {
      Step step = step(rate, steps);
      if (step.held()) {
        held = Math.max(held, rate);
      } else {
        broke = Math.min(broke, rate);
      }
      Double next = next(held, broke);
      if (next == null) {
        break;
      }
      rate = next;
    }
    return new Outcome(slo, held, steps);
  }

  /** @return the next rate to try, or null when the search is done */
  private static Double next(double held, double broke) {
    if (Double.isInfinite(broke)) {
      return held * 2;
    }
    if (held == 0) {
      double lower = broke / 2;
      return lower < LOWEST_RATE ? null : lower;
    }
    if ((broke - held) * 100 <= held * PRECISION_PERCENT) {
      return null;
    }
    return (held + broke) / 2;
  }

  private Step step(double rate, List<Step> steps) throws InterruptedException {
    if (!steps.isEmpty()) {
      Thread.sleep(pauseMillis);
    }
    LoadResult result = runner.run(rate);
    Step step = new Step(rate, result, slo.broken(result));
    steps.add(step);
    return step;
  }
}
