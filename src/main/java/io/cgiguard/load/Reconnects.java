package io.cgiguard.load;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Requests sent twice because their first attempt, on a keep-alive connection that had sat idle
 * long enough for the server's idle timeout to explain it, ended without a byte. The second
 * attempt is what the request counts as; the first is counted here so that nothing vanishes.
 *
 * @param count how many requests were sent again
 * @param firstAttempt how their first attempts ended, such as {@code closed-without-a-byte}
 */
public record Reconnects(long count, SortedMap<String, Long> firstAttempt) {

  /** Nothing was sent twice. */
  public static final Reconnects NONE = new Reconnects(0, new TreeMap<>());

  public Reconnects {
    firstAttempt = Collections.unmodifiableSortedMap(new TreeMap<>(firstAttempt));
  }

  Reconnects plus(Reconnects other) {
    TreeMap<String, Long> sum = new TreeMap<>(firstAttempt);
    other.firstAttempt.forEach((kind, n) -> sum.merge(kind, n, Long::sum));
    return new Reconnects(count + other.count, sum);
  }
}
