package io.cgiguard.load;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** Plans for tests: GETs in a closed loop with no warmup, for a count or a duration. */
public final class LoadPlans {

  private LoadPlans() {}

  static LoadPlan requests(String url, int connections, long requests) {
    return requests(url, connections, requests, Duration.ofSeconds(5), Expectations.ANY);
  }

  static LoadPlan requests(String url, int connections, long requests, Duration timeout,
      Expectations expectations) {
    return new LoadPlan(URI.create(url), "GET", List.of(), new byte[0], connections, requests,
        null, 0, timeout, Duration.ZERO, expectations, LoadPlan.DEFAULT_RETAIN_BODY_BYTES);
  }

  /**
   * GETs of {@code target} on {@code connections} for {@code duration}, each expected to be a 200
   * whose body matches {@code body}: the traffic a test keeps up while it reloads or stops the
   * gateway.
   */
  public static LoadRun during(URI target, int connections, Duration duration, Pattern body) {
    return new LoadRun(new LoadPlan(target, "GET", List.of(), new byte[0], connections, 0,
        duration, 0, Duration.ofSeconds(10), Duration.ZERO,
        new Expectations(Set.of(200), Optional.of(body)), LoadPlan.DEFAULT_RETAIN_BODY_BYTES));
  }

  /** Runs {@code load} on another thread; @return its result, once it has ended */
  public static CompletableFuture<LoadResult> inBackground(LoadRun load) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return load.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
  }
}
