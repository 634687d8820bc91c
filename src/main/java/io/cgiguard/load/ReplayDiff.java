package io.cgiguard.load;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The outcome of a replay: the figures of the run, and, for every URL, the statuses the old server
 * logged beside those the new one gave. A URL "changed" when one of its requests got an answer of
 * another class (2xx, 3xx, 4xx, 5xx, or none at all) than the old server logged for it: the list a
 * person reads before switching traffic to the new server.
 *
 * @param figures the ordinary figures of the run
 * @param urls every URL, those that changed first, then by request count
 */
public record ReplayDiff(LoadResult figures, List<Url> urls) {

  public ReplayDiff {
    urls = List.copyOf(urls);
  }

  /**
   * One URL's comparison.
   *
   * @param method the method replayed
   * @param target the path and query
   * @param requests how many requests were sent
   * @param oldStatuses the logged statuses and their counts ({@code -} when none was logged)
   * @param newStatuses the new statuses and their counts (a category such as {@code timeout} when
   *     no status came back)
   * @param changes {@code old -> new} for every request whose class changed, with counts
   * @param oldMeanMillis the mean time the old server logged (IIS time-taken), if it logged any
   * @param newMeanMillis the mean latency of the new server's answers, if any came
   */
  public record Url(String method, String target, long requests,
      SortedMap<String, Long> oldStatuses, SortedMap<String, Long> newStatuses,
      SortedMap<String, Long> changes, OptionalDouble oldMeanMillis,
      OptionalDouble newMeanMillis) {

    public boolean changed() {
      return !changes.isEmpty();
    }
  }

  /** @return the URLs whose class of answer changed */
  public List<Url> changed() {
    return urls.stream().filter(Url::changed).toList();
  }

  static ReplayDiff of(LoadResult figures, Collection<UrlTally> tallies) {
    List<Url> urls = new ArrayList<>();
    for (UrlTally tally : tallies) {
      urls.add(tally.snapshot());
    }
    urls.sort(Comparator.comparing((Url u) -> !u.changed())
        .thenComparing(Comparator.comparingLong(Url::requests).reversed())
        .thenComparing(Url::target).thenComparing(Url::method));
    return new ReplayDiff(figures, urls);
  }

  /** @return {@code 2xx} for 200, or the category itself when no status came back */
  static String answerClass(String status) {
    return status.matches("\\d{3}") ? status.charAt(0) + "xx" : "no answer";
  }

  /** The counts of one URL, added to by many workers. */
  static final class UrlTally {
    private final String method;
    private final String target;
    private long requests;
    private final TreeMap<String, Long> oldStatuses = new TreeMap<>();
    private final TreeMap<String, Long> newStatuses = new TreeMap<>();
    private final TreeMap<String, Long> changes = new TreeMap<>();
    private long oldMillis;
    private long oldTimed;
    private long newMicros;
    private long newTimed;

    UrlTally(String method, String target) {
      this.method = method;
      this.target = target;
    }

    /**
     * @param taken the old server's logged time, if any
     * @param latencyMicros the new answer's latency, negative when there is none
     */
    synchronized void add(OptionalInt old, String now, OptionalLong taken, long latencyMicros) {
      requests++;
      if (taken.isPresent()) {
        oldMillis += taken.getAsLong();
        oldTimed++;
      }
      if (latencyMicros >= 0) {
        newMicros += latencyMicros;
        newTimed++;
      }
      String before = old.isPresent() ? Integer.toString(old.getAsInt()) : "-";
      oldStatuses.merge(before, 1L, Long::sum);
      newStatuses.merge(now, 1L, Long::sum);
      if (old.isPresent() && !answerClass(before).equals(answerClass(now))) {
        changes.merge(before + " -> " + now, 1L, Long::sum);
      }
    }

    synchronized Url snapshot() {
      return new Url(method, target, requests, new TreeMap<>(oldStatuses),
          new TreeMap<>(newStatuses), new TreeMap<>(changes),
          oldTimed == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) oldMillis / oldTimed),
          newTimed == 0 ? OptionalDouble.empty()
              : OptionalDouble.of(newMicros / 1000.0 / newTimed));
    }
  }
}
