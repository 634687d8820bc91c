package io.cgiguard.admission;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The circuit breakers of all scripts, by script key (the script's real path). A breaker is made
 * on first use with the shared settings and clock.
 */
public final class CircuitBreakers {

  private final CircuitSettings settings;
  private final Clock clock;
  private final ConcurrentHashMap<String, CircuitBreaker> byScript = new ConcurrentHashMap<>();

  public CircuitBreakers(CircuitSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** @return the breaker of {@code scriptKey}, made on first use */
  public CircuitBreaker forScript(String scriptKey) {
    return byScript.computeIfAbsent(scriptKey, key -> new CircuitBreaker(settings, clock));
  }

  /** @return a snapshot of every breaker, sorted by script key */
  public Map<String, CircuitSnapshot> snapshot() {
    Map<String, CircuitSnapshot> snapshots = new TreeMap<>();
    byScript.forEach((key, breaker) -> snapshots.put(key, breaker.snapshot()));
    return java.util.Collections.unmodifiableMap(snapshots);
  }
}
