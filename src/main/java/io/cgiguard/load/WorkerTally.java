package io.cgiguard.load;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The figures of one worker thread, written by that thread alone (no locks on the hot path) and
 * merged into a {@link LoadResult} after the workers have stopped.
 */
final class WorkerTally {

  /** Latencies above an hour are recorded as an hour; a run that slow has other problems. */
  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

  final Histogram latencyMicros = new Histogram(HIGHEST_MICROS, 3);
  final Map<String, long[]> failures = new HashMap<>();
  /** Failures of each category in each second; arrays grow with {@link #requestsPerSecond}. */
  final Map<String, long[]> failuresPerSecondByKind = new HashMap<>();
  /** First attempts on a reused connection that ended without a byte, then sent again. */
  final Map<String, long[]> reconnects = new HashMap<>();
  long requests;
  long ok;
  long[] requestsPerSecond = new long[64];
  long[] failuresPerSecond = new long[64];
  // What X-Cgiguard-Attempts told, over the responses that carried it.
  long okFirstTry;
  long okAfterRetry;
  long failedWithAttempts;
  long scriptAttempts;
  long failedScriptAttempts;

  /**
   * @param second the whole second of the run in which the response completed, from 0
   * @param latencyMicros the latency, or a negative value when there is none to record
   * @param category {@link ReplyClassifier#OK} or a failure category
   * @param attempts the gateway's {@code X-Cgiguard-Attempts}, or 0 when the reply had none
   */
  void record(int second, long latencyMicros, String category, int attempts) {
    requests++;
    if (latencyMicros >= 0) {
      this.latencyMicros.recordValue(Math.min(latencyMicros, HIGHEST_MICROS));
    }
    ensureSecond(second);
    requestsPerSecond[second]++;
    boolean success = ReplyClassifier.OK.equals(category);
    if (success) {
      ok++;
    } else {
      failures.computeIfAbsent(category, key -> new long[1])[0]++;
      failuresPerSecond[second]++;
      long[] perSecond = failuresPerSecondByKind.get(category);
      if (perSecond == null || perSecond.length < requestsPerSecond.length) {
        perSecond = perSecond == null ? new long[requestsPerSecond.length]
            : Arrays.copyOf(perSecond, requestsPerSecond.length);
        failuresPerSecondByKind.put(category, perSecond);
      }
      perSecond[second]++;
    }
    if (attempts > 0) {
      scriptAttempts += attempts;
      if (success) {
        // Every attempt before the one that answered failed unseen.
        failedScriptAttempts += attempts - 1;
        if (attempts == 1) {
          okFirstTry++;
        } else {
          okAfterRetry++;
        }
      } else {
        failedScriptAttempts += attempts;
        failedWithAttempts++;
      }
    }
  }

  /**
   * Counts a request whose first attempt, on a reused connection, ended without a byte and was
   * sent again; what the second attempt got is recorded by {@link #record} as usual.
   *
   * @param firstAttempt how the first attempt ended, such as {@code closed-without-a-byte}
   */
  void reconnected(String firstAttempt) {
    reconnects.computeIfAbsent(firstAttempt, key -> new long[1])[0]++;
  }

  private void ensureSecond(int second) {
    if (second >= requestsPerSecond.length) {
      int length = Math.max(second + 1, requestsPerSecond.length * 2);
      requestsPerSecond = Arrays.copyOf(requestsPerSecond, length);
      failuresPerSecond = Arrays.copyOf(failuresPerSecond, length);
    }
  }
}
