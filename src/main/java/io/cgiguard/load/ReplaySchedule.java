package io.cgiguard.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When each logged request is sent, counted from the start of the replay: at the pace the old
 * server saw them, sped up by a factor ({@code --speed 10x}); at a fixed rate ({@code --rate});
 * or all at once, so that only the number of connections limits them.
 */
public final class ReplaySchedule {

  private ReplaySchedule() {}

  /** @return an offset of zero for every entry: as fast as the connections allow */
  public static List<Duration> asFastAsPossible(List<ReplayLog.Entry> entries) {
    return entries.stream().map(e -> Duration.ZERO).toList();
  }

  /** @return entry {@code i} at {@code i / ratePerSecond} seconds */
  public static List<Duration> atRate(List<ReplayLog.Entry> entries, double ratePerSecond) {
    List<Duration> offsets = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      offsets.add(Duration.ofNanos((long) (i * 1e9 / ratePerSecond)));
    }
    return offsets;
  }

  /**
   * @return each entry at its logged time after the first logged time, divided by {@code speed};
   *     an entry without a time, or logged earlier than the one before it, goes with the one
   *     before it
   */
  public static List<Duration> recordedPace(List<ReplayLog.Entry> entries, double speed) {
    List<Duration> offsets = new ArrayList<>(entries.size());
    Instant first = null;
    Duration previous = Duration.ZERO;
    for (ReplayLog.Entry entry : entries) {
      Duration offset = previous;
      if (entry.at().isPresent()) {
        if (first == null) {
          first = entry.at().get();
        }
        Duration logged = Duration.between(first, entry.at().get());
        Duration scaled = Duration.ofNanos((long) (logged.toNanos() / speed));
        offset = scaled.compareTo(previous) < 0 ? previous : scaled;
      }
      offsets.add(offset);
      previous = offset;
    }
    return offsets;
  }
}
