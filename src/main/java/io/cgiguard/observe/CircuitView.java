package io.cgiguard.observe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One script's circuit breaker as the status page shows it. The guard owns the breaker and fills
 * this in; nothing here reaches back into it.
 *
 * @param script the script's name (RFC 3875 SCRIPT_NAME below cgi-bin)
 * @param state closed, half-open or open
 * @param failures failures the breaker counts in its current window
 * @param requests requests the breaker counts in its current window
 */
public record CircuitView(String script, CircuitState state, int failures, int requests) {

  public CircuitView {
    Objects.requireNonNull(script, "script");
    Objects.requireNonNull(state, "state");
  }

  /**
   * @return the state by script, in the order given: what {@link MetricSources#circuits()} wants,
   *     so that metrics and status can be fed from one supplier of views
   */
  public static Map<String, CircuitState> states(List<CircuitView> views) {
    Map<String, CircuitState> states = new LinkedHashMap<>();
    for (CircuitView view : views) {
      states.put(view.script(), view.state());
    }
    return states;
  }
}
