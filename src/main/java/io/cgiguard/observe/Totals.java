package io.cgiguard.observe;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts since start-up, summed over every script, for the status page: how many requests were
 * answered, how many of those the script answered itself, and how the rest failed.
 *
 * @param requests requests that reached a script or were refused on its behalf
 * @param ok requests the script answered with a complete header block
 * @param retries attempts started again after a failure that no client had seen
 * @param spawnFailures attempts whose program could not be started
 * @param failuresByKind failed requests by failure kind label, sorted by label ({@code exited-before-headers}, ...)
 */
public record Totals(
    long requests, long ok, long retries, long spawnFailures, Map<String, Long> failuresByKind) {

  /** Nothing counted yet. */
  public static final Totals ZERO = new Totals(0, 0, 0, 0, Map.of());

  public Totals {
    // Sorted so that JSON and HTML list kinds in a stable order between two looks.
    failuresByKind =
        Collections.unmodifiableSortedMap(
            new TreeMap<>(failuresByKind == null ? Map.of() : failuresByKind));
  }

  /** @return requests that did not end {@code ok} */
  public long failed() {
    return requests - ok;
  }
}
