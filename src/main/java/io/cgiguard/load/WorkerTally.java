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
  long requests;
  long ok;
  long[] requestsPerSecond = new long[64];
  long[] failuresPerSecond = new long[64];

  /**
   * @param second the whole second of the run in which the response completed, from 0
   * @param latencyMicros the latency, or a negative value when there is none to record
   * @param category {@link ReplyClassifier#OK} or a failure category
   */
  void record(int second, long latencyMicros, String category) {
    requests++;
    if (latencyMicros >= 0) {
      this.latencyMicros.recordValue(Math.min(latencyMicros, HIGHEST_MICROS));
    }
    ensureSecond(second);
    requestsPerSecond[second]++;
    if (ReplyClassifier.OK.equals(category)) {
      ok++;
    } else {
      failures.computeIfAbsent(category, key -> new long[1])[0]++;
      failuresPerSecond[second]++;
    }
  }

  private void ensureSecond(int second) {
    if (second >= requestsPerSecond.length) {
      int length = Math.max(second + 1, requestsPerSecond.length * 2);
      requestsPerSecond = Arrays.copyOf(requestsPerSecond, length);
      failuresPerSecond = Arrays.copyOf(failuresPerSecond, length);
    }
  }
}
