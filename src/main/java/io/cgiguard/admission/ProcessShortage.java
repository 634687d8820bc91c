package io.cgiguard.admission;

import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway-wide answer to a machine that cannot start another process. A spawn that fails with
 * {@code EAGAIN} or {@code ENOMEM} is not the script's fault (it never ran), so it is kept out of
 * the script's circuit and counted here instead: the bulkhead's running limit is halved (at most
 * once per limit, as TCP halves its window once per loss) and raised by one for each spawn that
 * succeeds, until it is back at max-running, or at once by the first spawn that succeeds after
 * {@link #QUIET} without a shortage failure (a quiet gateway has few spawns to climb back with).
 * While it is lowered, the excess is answered at once with 503 and {@code Retry-After}; and once
 * {@link #PROBE_AFTER} has passed without a shortage failure, a refusal lets one more script run
 * than run now, so that long scripts holding every slot of the lowered limit cannot keep the
 * gateway refusing after the shortage has ended (nothing else would start a spawn to learn it).
 *
 * <p>{@code EMFILE} and {@code ENFILE} (no descriptor left for a script's pipes) count the same
 * way: the script never ran, and fewer scripts at once need fewer descriptors.
 *
 * <p>An episode runs from the first such failure until the limit is whole again; it is logged as
 * one WARN line naming the cause when it starts and one INFO line when it ends, never per request.
 */
public final class ProcessShortage {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessShortage.class);
  private static final Set<String> SHORTAGE_ERRNOS = Set.of("EAGAIN", "ENOMEM", "EMFILE",
      "ENFILE");
  /** After this long without a shortage failure, the next successful spawn ends the episode. */
  static final Duration QUIET = Duration.ofSeconds(5);
  /** After this long without a shortage failure, a refusal makes room for one probing spawn. */
  static final Duration PROBE_AFTER = Duration.ofSeconds(1);

  private final Bulkhead bulkhead;
  private final UnaryOperator<String> causes;
  private final Clock clock;
  private final Duration retryAfter;
  private int generation;
  private Episode episode;
  private long episodes;
  private int lowestLimit = Integer.MAX_VALUE;
  private volatile String lastCause = "";

  /** An episode as it is counted; its cause is read once, by the thread that started it. */
  private static final class Episode {
    final Instant started;
    Instant lastFailure;
    volatile String cause;
    int lowest;
    long spawnFailures;
    long refused;

    Episode(Instant started, String cause, int lowest) {
      this.started = started;
      this.lastFailure = started;
      this.cause = cause;
      this.lowest = lowest;
    }
  }

  /**
   * @param bulkhead whose running limit is lowered and restored
   * @param causes names the shortage behind an errno name, such as "the process table of this
   *     service is full: cgroup pids.max 38 reached"; called once per episode
   * @param clock for the episode's duration
   * @param retryAfter what a client refused for the shortage is told to wait
   */
  public ProcessShortage(Bulkhead bulkhead, UnaryOperator<String> causes, Clock clock,
      Duration retryAfter) {
    this.bulkhead = Objects.requireNonNull(bulkhead, "bulkhead");
    this.causes = Objects.requireNonNull(causes, "causes");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /**
   * @return whether a spawn that failed with {@code errno} failed for lack of processes, memory
   *     or descriptors
   */
  public static boolean isShortageErrno(String errno) {
    return SHORTAGE_ERRNOS.contains(errno);
  }

  /** @return whether {@code failure} is a spawn that failed for lack of processes or memory */
  public static boolean isShortage(Failure failure) {
    return failure.kind() == FailureKind.SPAWN_FAILED && failure.evidence().spawnError()
        .map(e -> isShortageErrno(e.errnoName())).orElse(false);
  }

  /** @return the limit's generation, to be handed back with a failure of a spawn started now */
  public synchronized int generation() {
    return generation;
  }

  /**
   * A spawn failed with {@code errno}; anything but a shortage is ignored.
   *
   * @param startedIn {@link #generation()} when the spawn was started: a spawn started under a
   *     limit that was already lowered lowers it no further
   */
  public void spawnFailed(String errno, int startedIn) {
    if (!isShortageErrno(errno)) {
      return;
    }
    Episode started = null;
    int limit;
    synchronized (this) {
      if (startedIn == generation) {
        generation++;
        bulkhead.limit(Math.min(bulkhead.limit(), bulkhead.running()) / 2);
      }
      limit = bulkhead.limit();
      lowestLimit = Math.min(lowestLimit, limit);
      if (episode == null) {
        episode = new Episode(clock.instant(), "", limit);
        episodes++;
        started = episode;
      }
      episode.spawnFailures++;
      episode.lastFailure = clock.instant();
      episode.lowest = Math.min(episode.lowest, limit);
    }
    if (started != null) {
      // Read outside the lock: it walks /proc, and the episode's other requests need not wait.
      String cause = causes.apply(errno);
      started.cause = cause;
      lastCause = cause;
      LOG.warn("process shortage: {}; spawns fail with {}: retrying them, running at most {} of "
          + "{} scripts at once and answering the excess with 503 until spawns succeed again",
          cause, errno, limit, bulkhead.maxRunning());
    }
  }

  /** A spawn succeeded: the limit grows by one, and the episode ends when it is whole. */
  public void spawned() {
    synchronized (this) {
      if (episode == null) {
        return;
      }
      boolean quiet = Duration.between(episode.lastFailure, clock.instant()).compareTo(QUIET) >= 0;
      bulkhead.limit(quiet ? bulkhead.maxRunning() : bulkhead.limit() + 1);
      if (bulkhead.limit() < bulkhead.maxRunning()) {
        return;
      }
      Episode ended = episode;
      episode = null;
      generation++;
      LOG.info("process shortage over after {} ms: {} spawns failed, {} requests refused, at "
          + "most {} scripts at once at the lowest; running up to {} again",
          Duration.between(ended.started, clock.instant()).toMillis(), ended.spawnFailures,
          ended.refused, ended.lowest, bulkhead.maxRunning());
    }
  }

  /**
   * A request found no slot while the limit was lowered; it is answered 503 for this shortage.
   *
   * @return the sentence that names the shortage, or empty when no episode runs
   */
  public synchronized Optional<String> refused() {
    if (episode == null) {
      return Optional.empty();
    }
    episode.refused++;
    Instant now = clock.instant();
    if (Duration.between(episode.lastFailure, now).compareTo(PROBE_AFTER) >= 0) {
      // Counted as a failure for pacing: at most one probe per PROBE_AFTER while none succeeds.
      episode.lastFailure = now;
      bulkhead.limit(Math.max(bulkhead.limit(), bulkhead.running()) + 1);
    }
    return Optional.of(describe(episode));
  }

  /** @return whether an episode runs now */
  public synchronized boolean active() {
    return episode != null;
  }

  /** @return the cause of the episode that runs now, empty when none does */
  public synchronized Optional<String> cause() {
    return episode == null ? Optional.empty() : Optional.of(describe(episode));
  }

  /** @return the cause of the latest episode, running or over; empty before the first */
  public String lastCause() {
    return lastCause;
  }

  /** @return the lowest the running limit went since start-up; max-running if it never fell */
  public synchronized int lowestLimit() {
    return Math.min(lowestLimit, bulkhead.maxRunning());
  }

  /** @return episodes since start-up */
  public synchronized long episodes() {
    return episodes;
  }

  /** @return what a client refused for a shortage is told to wait */
  public Duration retryAfter() {
    return retryAfter;
  }

  private static String describe(Episode episode) {
    return episode.cause.isEmpty() ? "the machine cannot start another process now"
        : episode.cause;
  }
}
