package io.cgiguard.http;

import io.cgiguard.admission.Bulkhead;
import io.cgiguard.admission.CircuitBreakers;
import io.cgiguard.attempt.ScriptAttempts;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.Launcher;
import io.cgiguard.observe.GatewayMetrics;
import io.cgiguard.observe.RecentFailures;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The long-lived parts one gateway's handlers share, made once by {@link GatewayServer}.
 *
 * @param passedEnvironment the allow-listed part of the gateway's own environment and the fixed
 *     values of the configuration, read once at start-up
 * @param hangups watches HTTP/1.x clients for leaving while their scripts are silent
 * @param documentRoot the real path of the document root; without one, a script sees its
 *     mount's directory as DOCUMENT_ROOT
 */
record GatewayParts(
    GatewayConfig config,
    Launcher launcher,
    ScriptAttempts attempts,
    Bulkhead bulkhead,
    CircuitBreakers circuits,
    GatewayMetrics metrics,
    RecentFailures recentFailures,
    OutcomeLog outcomes,
    GatewayPages pages,
    ScheduledExecutorService timers,
    ClientHangups hangups,
    Map<String, String> passedEnvironment,
    Optional<Path> documentRoot,
    String serverSoftware,
    Clock clock) {

  GatewayParts {
    // Immutable once, here: every request's EnvironmentPolicy takes a Map.copyOf of it, which
    // returns an immutable map as it is and would copy any other kind on every request.
    passedEnvironment = Map.copyOf(passedEnvironment);
  }
}
