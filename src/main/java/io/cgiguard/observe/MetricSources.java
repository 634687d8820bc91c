package io.cgiguard.observe;

import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The live state that {@link GatewayMetrics} reads at scrape time rather than being told about:
 * the bulkhead's occupancy and every script's circuit state. The gateway passes suppliers over its
 * own structures; they are called on the scraping thread, so they must be cheap and thread-safe.
 *
 * @param running scripts running now (bulkhead slots taken)
 * @param queued requests waiting for a slot
 * @param circuits circuit state by script name; scripts absent from the map are not exported
 */
public record MetricSources(
    IntSupplier running, IntSupplier queued, Supplier<Map<String, CircuitState>> circuits) {

  /** Nothing running, nothing queued, no circuits: for tools and tests without a guard. */
  public static final MetricSources NONE = new MetricSources(() -> 0, () -> 0, Map::of);

  public MetricSources {
    Objects.requireNonNull(running, "running");
    Objects.requireNonNull(queued, "queued");
    Objects.requireNonNull(circuits, "circuits");
  }
}
