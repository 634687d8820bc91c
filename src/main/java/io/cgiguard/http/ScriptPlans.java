package io.cgiguard.http;

import io.cgiguard.cgi.Resolution;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.guard.AttemptPlan;
import io.cgiguard.guard.BodySource;
import io.cgiguard.guard.FailureKind;
import io.cgiguard.guard.RetryPolicy;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the configuration and one resolved script into what the attempt loop runs: the launch
 * spec with its limits, the retry rules and timeouts of the script's mapping. Everything that does
 * not depend on the request is computed once, at start-up.
 */
final class ScriptPlans {

  private final GatewayConfig config;
  private final ResourceLimits limits;
  private final Set<FailureKind> retriableKinds;

  ScriptPlans(GatewayConfig config) {
    this.config = config;
    GatewayConfig.Limits l = config.limits();
    this.limits = new ResourceLimits(l.cpu(), l.addressSpaceBytes(), l.openFiles(),
        l.fileSizeBytes(), ResourceLimits.UNLIMITED, l.coreSizeBytes());
    Set<FailureKind> kinds = EnumSet.noneOf(FailureKind.class);
    config.retry().kinds().forEach(label -> kinds.add(FailureKind.fromLabel(label)));
    this.retriableKinds = kinds;
  }

  /** @return the resource limits every script runs under */
  ResourceLimits limits() {
    return limits;
  }

  AttemptPlan plan(Resolution.Found script, ScriptCommand.Command command,
      Optional<GatewayConfig.HandlerMapping> mapping, Map<String, String> environment,
      String method, BodySource body, Instant arrived, LaunchSpec.StderrSink stderr) {
    GatewayConfig.Timeouts timeouts = config.timeouts();
    Duration headerTimeout = mapping.flatMap(GatewayConfig.HandlerMapping::headerTimeout)
        .orElse(timeouts.header());
    LaunchSpec spec = new LaunchSpec(command.argv(), environment,
        script.scriptFile().getParent(), limits, stderr, config.limits().stderrTailBytes());
    GatewayConfig.Retry retry = config.retry();
    RetryPolicy policy = new RetryPolicy(retry.attempts(), retry.backoff(), retry.maxBackoff(),
        retry.deadline(), retriableKinds, retry.methods(),
        mapping.map(GatewayConfig.HandlerMapping::retryBody).orElse(false));
    boolean nph = script.scriptFile().getFileName().toString().startsWith("nph-");
    return new AttemptPlan(script.scriptName(), spec, method, body, policy, headerTimeout,
        timeouts.killGrace(), config.limits().maxHeaderBytes(), nph,
        config.concurrency().queueWait(), arrived);
  }

  /** @return the body idle timeout of the script's mapping */
  Duration bodyIdle(Optional<GatewayConfig.HandlerMapping> mapping) {
    return mapping.flatMap(GatewayConfig.HandlerMapping::bodyIdleTimeout)
        .orElse(config.timeouts().bodyIdle());
  }

  /** @return the total run time of the script's mapping */
  Duration total(Optional<GatewayConfig.HandlerMapping> mapping) {
    return mapping.flatMap(GatewayConfig.HandlerMapping::totalTimeout)
        .orElse(config.timeouts().total());
  }

  /**
   * IIS isapiCgiRestriction: when the configuration lists allowed programs, the program that
   * would run (the interpreter, or the script itself) must be one of them.
   *
   * @return why the script may not run, or empty when it may
   */
  Optional<String> restriction(List<String> argv, Path script) {
    List<Path> allowed = config.restrictions().allowedPrograms();
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    String program = argv.get(0);
    Path resolved = program.contains("/") ? Path.of(program)
        : io.cgiguard.guard.ScriptInspection.onPath(program,
            config.environment().set().getOrDefault("PATH", System.getenv("PATH")))
            .orElse(Path.of(program));
    for (Path candidate : allowed) {
      if (candidate.equals(resolved) || candidate.equals(script) || sameFile(candidate, resolved)) {
        return Optional.empty();
      }
    }
    return Optional.of("the program " + resolved.getFileName()
        + " is not in the list of programs allowed to run");
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
