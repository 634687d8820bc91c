package io.cgiguard.load;

import java.util.Locale;
import java.util.Map;

/** Renders a {@link LoadResult} as the few lines a person reads at the end of a run. */
public final class TextSummary {

  private TextSummary() {}

  /** @return the summary, lines ending in {@code \n} */
  public static String render(LoadResult result) {
    StringBuilder text = new StringBuilder();
    line(text, "target      %s (%s loop%s, %d %s)", result.target(), result.mode(),
        result.ratePerSecond() > 0 ? String.format(Locale.ROOT, " at %.1f/s",
            result.ratePerSecond()) : "",
        result.connections(), "direct".equals(result.mode()) ? "at a time" : "connections");
    line(text, "requests    %d in %.2f s, %.1f/s", result.requests(),
        result.elapsed().toNanos() / 1e9, result.throughputPerSecond());
    line(text, "ok          %d", result.ok());
    line(text, "failures    %d (%.3f %%)", result.failureCount(), 100 * result.failureRate());
    for (Map.Entry<String, Long> failure : result.failures().entrySet()) {
      line(text, "  %-28s %d", failure.getKey(), failure.getValue());
    }
    if (result.reconnects().count() > 0) {
      line(text, "reconnects  %d sent again after an idle connection closed %s",
          result.reconnects().count(), result.reconnects().firstAttempt());
    }
    GatewayAttempts attempts = result.gatewayAttempts();
    if (attempts.responses() > 0) {
      line(text, "gateway     ok first try %d, ok after retry %d, failed %d; script runs %d,"
          + " %.1f %% failed", attempts.okFirstTry(), attempts.okAfterRetry(), attempts.failed(),
          attempts.attempts(), 100 * attempts.attemptFailureRate());
    }
    line(text, "latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f",
        result.latencyMillisAt(50), result.latencyMillisAt(90), result.latencyMillisAt(99),
        result.latencyMillisAt(99.9), result.maxLatencyMillis());
    return text.toString();
  }

  private static void line(StringBuilder text, String format, Object... args) {
    text.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
