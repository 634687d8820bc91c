package io.cgiguard.load;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Plans for tests: a fixed number of GETs, closed loop, no warmup. */
final class LoadPlans {

  private LoadPlans() {}

  static LoadPlan requests(String url, int connections, long requests) {
    return requests(url, connections, requests, Duration.ofSeconds(5), Expectations.ANY);
  }

  static LoadPlan requests(String url, int connections, long requests, Duration timeout,
      Expectations expectations) {
    return new LoadPlan(URI.create(url), "GET", List.of(), new byte[0], connections, requests,
        null, 0, timeout, Duration.ZERO, expectations, LoadPlan.DEFAULT_RETAIN_BODY_BYTES);
  }
}
