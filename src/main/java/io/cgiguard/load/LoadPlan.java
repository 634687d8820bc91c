package io.cgiguard.load;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a load run needs, validated: where, how hard, how long, and what counts as a
 * success.
 *
 * @param target an {@code http://} URL; TLS is not supported
 * @param method the request method, such as {@code GET}
 * @param headers extra header fields as {@code Name: value}
 * @param body the request body, empty for none
 * @param connections concurrent keep-alive connections, one thread each
 * @param requests how many requests to measure, or 0 to stop by {@code duration} alone
 * @param duration how long to measure, or {@code null} to stop by {@code requests} alone
 * @param ratePerSecond 0 for a closed loop (each connection sends as soon as its previous response
 *     is in); otherwise the open-loop rate over all connections, latency counted from the intended
 *     send time
 * @param timeout the per-request limit, connect to last body byte
 * @param warmup how long to send before measuring; those responses are not counted
 * @param expectations what counts as a success besides not being a known failure
 * @param retainBodyBytes how much of each body is kept for classification
 */
public record LoadPlan(
    URI target,
    String method,
    List<String> headers,
    byte[] body,
    int connections,
    long requests,
    Duration duration,
    double ratePerSecond,
    Duration timeout,
    Duration warmup,
    Expectations expectations,
    int retainBodyBytes) {

  /** Enough for every failure page we recognise and most --expect-body patterns. */
  public static final int DEFAULT_RETAIN_BODY_BYTES = 64 * 1024;

  public LoadPlan {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(method, "method");
    headers = List.copyOf(headers);
    body = body.clone();
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(expectations, "expectations");
    if (!"http".equalsIgnoreCase(target.getScheme()) || target.getHost() == null) {
      throw new IllegalArgumentException("the target must be an http:// URL with a host: " + target);
    }
    for (String field : headers) {
      if (!RequestEncoding.isHeaderField(field)) {
        throw new IllegalArgumentException("not a header field 'Name: value': " + field);
      }
    }
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be at least 1");
    }
    if (requests < 0 || (requests == 0 && duration == null)) {
      throw new IllegalArgumentException("give a number of requests or a duration");
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new IllegalArgumentException("the duration must be positive");
    }
    if (ratePerSecond < 0 || Double.isNaN(ratePerSecond) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("the rate must be a positive number per second");
    }
    if (timeout.isZero() || timeout.isNegative() || warmup.isNegative()) {
      throw new IllegalArgumentException("the timeout must be positive and the warmup not negative");
    }
  }

  /** @return whether the run sends at a fixed rate rather than as fast as responses come */
  public boolean openLoop() {
    return ratePerSecond > 0;
  }

  @Override
  public byte[] body() {
    return body.clone();
  }
}
