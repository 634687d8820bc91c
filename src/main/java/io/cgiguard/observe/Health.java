package io.cgiguard.observe;

import io.cgiguard.text.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer of {@code /-/health}: whether the gateway takes work, and why. A load balancer reads
 * only the status code ({@link #httpStatus()}: 200 or 503); people read the reasons.
 *
 * @param ok whether the gateway accepts new requests
 * @param reasons short phrases, such as "accepting work" or "stopping"
 */
public record Health(boolean ok, List<String> reasons) {

  /** The content type of {@link #json()}. */
  public static final String CONTENT_TYPE = "application/json";

  public Health {
    reasons = List.copyOf(reasons);
  }

  /** @return a healthy answer with these reasons */
  public static Health healthy(String... reasons) {
    return new Health(true, List.of(reasons));
  }

  /** @return an unhealthy answer with these reasons */
  public static Health unhealthy(String... reasons) {
    return new Health(false, List.of(reasons));
  }

  /**
   * @return healthy only if both are, with the reasons of both (a gateway that is accepting work
   *     but whose launcher is closed is not healthy)
   */
  public Health and(Health other) {
    Objects.requireNonNull(other, "other");
    List<String> both = new ArrayList<>(reasons);
    both.addAll(other.reasons);
    return new Health(ok && other.ok, both);
  }

  /** @return 200 when ok, 503 otherwise, so that a balancer stops sending work */
  public int httpStatus() {
    return ok ? 200 : 503;
  }

  /** @return {@code {"status":"ok"|"not-ok","ok":true|false,"reasons":[...]}} */
  public String json() {
    var root = Json.object().put("status", ok ? "ok" : "not-ok").put("ok", ok);
    reasons.forEach(root.putArray("reasons")::add);
    return Json.write(root);
  }
}
