package io.cgiguard.http;

import com.google.common.base.Suppliers;
import io.cgiguard.admission.Bulkhead;
import io.cgiguard.admission.ProcessShortage;
import io.cgiguard.capacity.Bound;
import io.cgiguard.capacity.Capacity;
import io.cgiguard.observe.CapacityView;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The capacity facts of {@code /-/status} and {@code /-/metrics}: the bulkhead's running limit,
 * the shortage signal, and the limits read from {@code /proc} and the cgroup file system. The
 * limits are read at most once a second, however often the endpoints are asked.
 */
final class CapacityViews {

  private CapacityViews() {}

  static Supplier<CapacityView> of(Bulkhead bulkhead, ProcessShortage shortage) {
    Supplier<Capacity> limits = Suppliers.memoizeWithExpiration(Capacity::read,
        Duration.ofSeconds(1));
    return () -> new CapacityView(bulkhead.limit(), bulkhead.maxRunning(),
        shortage.lowestLimit(), shortage.active(),
        shortage.cause().orElse(shortage.lastCause()), shortage.episodes(),
        limits.get().bounds().stream().map(CapacityViews::view).toList());
  }

  private static CapacityView.Headroom view(Bound bound) {
    return new CapacityView.Headroom(bound.name(),
        bound.resource().name().toLowerCase(Locale.ROOT), bound.limit(), bound.used());
  }
}
