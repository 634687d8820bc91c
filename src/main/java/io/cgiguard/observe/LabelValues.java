package io.cgiguard.observe;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one label's cardinality bounded. Every distinct value becomes its own time series in
 * Prometheus, and a series is never forgotten while the process lives, so the first {@code cap}
 * distinct values are kept as they are and every later one is folded into {@value #OTHER}.
 *
 * <p>Script names come from files that exist, but a cgi-bin of generated names or a scanner walking
 * a large docroot could still make thousands; the cap is what keeps the scrape and the heap small.
 */
final class LabelValues {

  /** The value every label past the cap is folded into. */
  static final String OTHER = "other";

  /** A label value longer than this is folded too: it is not a name anyone chose. */
  static final int MAX_VALUE_LENGTH = 200;

  private final int cap;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();

  LabelValues(int cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("label cap must be at least 1, was " + cap);
    }
    this.cap = cap;
  }

  /**
   * @return {@code value} itself if it is already admitted or there is still room for it, else
   *     {@value #OTHER}; an empty or absent value is reported as {@code unknown}
   */
  String fold(String value) {
    if (value == null || value.isEmpty()) {
      return "unknown";
    }
    if (value.length() > MAX_VALUE_LENGTH) {
      return OTHER;
    }
    if (admitted.contains(value)) {
      return value;
    }
    // Only new and folded values take the lock; the cap stays exact under contention.
    synchronized (admitted) {
      if (admitted.contains(value) || admitted.size() < cap) {
        admitted.add(value);
        return value;
      }
    }
    return OTHER;
  }

  /** @return whether {@code value} has its own series (was admitted before the cap was reached) */
  boolean isAdmitted(String value) {
    return admitted.contains(value);
  }
}
