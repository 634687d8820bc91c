package io.cgiguard.launch.common;

import io.cgiguard.launch.LaunchSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The launchers' {@link ProgramLookup}s of bare program names, remembered for a second.
 *
 * <p>A script run by an interpreter named without a slash ({@code perl}, {@code sh}, the default
 * mappings) has that name searched on its {@code PATH} before every start, one {@code stat} per
 * directory until the program is found. On a {@code PATH} of ten or so directories that was as
 * many system calls and, in Java, an exception for each directory without the program: 9–10 µs of
 * the gateway's CPU per request (3.4 µs on {@code /usr/local/bin:/usr/bin:/bin}). A found program
 * is searched again once its entry is a second old, so an interpreter installed earlier on the
 * {@code PATH}, or removed, is seen within a second; a name that was not found is never remembered
 * (the next request searches again, and its failure is reported as it happens); and a launcher
 * that fails to start a remembered program forgets it ({@link #forget}), so the next start
 * searches again.
 *
 * <p>What is looked up is decided by the script's own environment, never the gateway's: the key
 * is the name and the {@code PATH}, and the working directory too when the {@code PATH} has an
 * empty or relative entry (which execvp(3) resolves against it). Names with a slash are not
 * searched, so they are not remembered either. Safe for any number of threads.
 */
public final class ProgramCache {

  /** How long a found program is used without searching for it again. */
  public static final Duration FRESH_FOR = Duration.ofSeconds(1);

  /**
   * Entries kept at most: names times {@code PATH}s of the configuration, times working
   * directories for a relative {@code PATH}. Past it everything is forgotten and found again.
   */
  static final int MAX_ENTRIES = 256;

  private final Clock clock;
  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

  /** @param directory the working directory, or null when the {@code PATH} does not depend on it */
  private record Key(String name, String path, Path directory) {}

  private record Entry(ProgramLookup.Found found, long foundAtMillis) {}

  public ProgramCache() {
    this(Clock.systemUTC());
  }

  public ProgramCache(Clock clock) {
    this.clock = clock;
  }

  /** @return what {@link ProgramLookup#resolve(LaunchSpec)} gives, from memory when fresh */
  public ProgramLookup resolve(LaunchSpec spec) {
    Key key = key(spec);
    if (key == null) {
      return ProgramLookup.resolve(spec);
    }
    long now = clock.millis();
    Entry entry = entries.get(key);
    if (entry != null) {
      long age = now - entry.foundAtMillis();
      // A clock set back makes an entry's age negative: it is searched again, never kept longer.
      if (age >= 0 && age < FRESH_FOR.toMillis()) {
        return entry.found();
      }
    }
    ProgramLookup lookup = ProgramLookup.resolve(spec);
    if (lookup instanceof ProgramLookup.Found found) {
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
      entries.put(key, new Entry(found, now));
    } else {
      entries.remove(key);
    }
    return lookup;
  }

  /**
   * Drops what is remembered for the program of {@code spec}: called when starting it failed, so
   * that the next start searches the {@code PATH} again.
   */
  public void forget(LaunchSpec spec) {
    Key key = key(spec);
    if (key != null) {
      entries.remove(key);
    }
  }

  /** @return the key of a name that is searched for, or null for one that is not */
  private static Key key(LaunchSpec spec) {
    String name = spec.argv().get(0);
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      return null;
    }
    String path = spec.environment().getOrDefault("PATH", ProgramLookup.DEFAULT_PATH);
    return new Key(name, path, searchesWorkingDirectory(path) ? spec.workingDirectory() : null);
  }

  /** @return whether some entry of {@code path} is empty or relative */
  private static boolean searchesWorkingDirectory(String path) {
    // Each entry starts at the beginning or after a colon; it is absolute when it starts with '/'.
    for (int start = 0; ; ) {
      if (start >= path.length() || path.charAt(start) != '/') {
        return true;
      }
      int colon = path.indexOf(':', start);
      if (colon < 0) {
        return false;
      }
      start = colon + 1;
    }
  }
}
