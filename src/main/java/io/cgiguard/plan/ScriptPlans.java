package io.cgiguard.plan;

import io.cgiguard.admission.BulkheadSettings;
import io.cgiguard.admission.CircuitSettings;
import io.cgiguard.admission.RequestBody;
import io.cgiguard.admission.RetryPolicy;
import io.cgiguard.attempt.AttemptPlan;
import io.cgiguard.attempt.BodySource;
import io.cgiguard.cgi.Resolution;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.diagnose.Diagnoser;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.diagnose.DiagnosisContext;
import io.cgiguard.diagnose.Finding;
import io.cgiguard.diagnose.ScriptInspection;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.common.ProgramLookup;
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
public final class ScriptPlans {

  /** Findings about a script's own #! line or mode; irrelevant when a mapping runs it. */
  private static final Set<Finding.Kind> DIRECT_RUN_ONLY = Set.of(Finding.Kind.SHEBANG_CR,
      Finding.Kind.SHEBANG_WINDOWS_PATH, Finding.Kind.NOT_EXECUTABLE, Finding.Kind.NOEXEC_MOUNT);

  private final GatewayConfig config;
  private final ResourceLimits limits;
  private final Set<FailureKind> retriableKinds;
  /** The two policies a request can get, by whether its mapping replays the body; built once. */
  private final RetryPolicy retryPolicy;
  private final RetryPolicy retryPolicyWithBody;

  public ScriptPlans(GatewayConfig config) {
    this.config = config;
    GatewayConfig.Limits l = config.limits();
    this.limits = new ResourceLimits(l.cpu(), l.addressSpaceBytes(), l.openFiles(),
        l.fileSizeBytes(), ResourceLimits.UNLIMITED, l.coreSizeBytes());
    Set<FailureKind> kinds = EnumSet.noneOf(FailureKind.class);
    config.retry().kinds().forEach(label -> kinds.add(FailureKind.fromLabel(label)));
    this.retriableKinds = kinds;
    this.retryPolicy = newRetryPolicy(false);
    this.retryPolicyWithBody = newRetryPolicy(true);
  }

  /** @return the resource limits every script runs under */
  public ResourceLimits limits() {
    return limits;
  }

  public AttemptPlan plan(Resolution.Found script, ScriptCommand.Command command,
      Optional<GatewayConfig.HandlerMapping> mapping, Map<String, String> environment,
      String method, BodySource body, Instant arrived, LaunchSpec.StderrSink stderr) {
    GatewayConfig.Timeouts timeouts = config.timeouts();
    Duration headerTimeout = mapping.flatMap(GatewayConfig.HandlerMapping::headerTimeout)
        .orElse(timeouts.header());
    LaunchSpec spec = new LaunchSpec(command.argv(), environment,
        workingDirectory(script.scriptFile()), limits, stderr, config.limits().stderrTailBytes(),
        body.replay() == RequestBody.NONE);
    RetryPolicy policy = retryPolicy(mapping);
    boolean nph = script.scriptFile().getFileName().toString().startsWith("nph-");
    Path file = script.scriptFile();
    AttemptPlan.Incurable incurable = failure -> diagnose(failure, spec, headerTimeout, file)
        .filter(diagnosis -> diagnosis.cause().retryCannotCure())
        .map(diagnosis -> diagnosis.cause().title());
    return new AttemptPlan(script.scriptName(), spec, method, body, policy, headerTimeout,
        timeouts.killGrace(), config.limits().maxHeaderBytes(), nph,
        config.concurrency().queueWait(), arrived, incurable);
  }

  /** @return the retry rules of the script's mapping, or of the configuration when it has none */
  public RetryPolicy retryPolicy(Optional<GatewayConfig.HandlerMapping> mapping) {
    return mapping.map(GatewayConfig.HandlerMapping::retryBody).orElse(false)
        ? retryPolicyWithBody : retryPolicy;
  }

  private RetryPolicy newRetryPolicy(boolean retryBody) {
    GatewayConfig.Retry retry = config.retry();
    return new RetryPolicy(retry.attempts(), retry.backoff(), retry.maxBackoff(),
        retry.deadline(), retriableKinds, retry.methods(), retryBody);
  }

  /** @return the bulkhead's limits from {@code [concurrency]} */
  public static BulkheadSettings bulkhead(GatewayConfig config) {
    GatewayConfig.Concurrency c = config.concurrency();
    return new BulkheadSettings(c.maxRunning(), c.maxPerScript(), c.queue(), Duration.ofSeconds(1));
  }

  /** @return how each script's circuit judges it, from {@code [circuit]} */
  public static CircuitSettings circuit(GatewayConfig config) {
    GatewayConfig.Circuit c = config.circuit();
    return new CircuitSettings(c.window(), c.minRequests(), c.failureRatio(), c.openFor());
  }

  /**
   * Names the likely cause of a failed attempt of {@code plan}: inspects the script file, keeps
   * only findings that matter for how it was run (a #! line does not matter when a mapping or an
   * interpreter runs the script), and asks the {@link Diagnoser}.
   */
  public Optional<Diagnosis> diagnose(Failure failure, AttemptPlan plan, Path script) {
    return diagnose(failure, plan.spec(), plan.headerTimeout(), script);
  }

  private Optional<Diagnosis> diagnose(Failure failure, LaunchSpec spec, Duration headerTimeout,
      Path script) {
    List<Finding> findings;
    try {
      findings = ScriptInspection.inspect(script,
          spec.environment().getOrDefault("PATH", ProgramLookup.DEFAULT_PATH));
    } catch (java.io.IOException e) {
      findings = List.of();
    }
    boolean direct = spec.argv().get(0).equals(script.toString());
    List<Finding> relevant = findings.stream()
        .filter(f -> direct || !DIRECT_RUN_ONLY.contains(f.kind())).toList();
    return Diagnoser.diagnose(failure, new DiagnosisContext(limits, headerTimeout, relevant));
  }

  /** @return the body idle timeout of the script's mapping */
  public Duration bodyIdle(Optional<GatewayConfig.HandlerMapping> mapping) {
    return mapping.flatMap(GatewayConfig.HandlerMapping::bodyIdleTimeout)
        .orElse(config.timeouts().bodyIdle());
  }

  /** @return the total run time of the script's mapping */
  public Duration total(Optional<GatewayConfig.HandlerMapping> mapping) {
    return mapping.flatMap(GatewayConfig.HandlerMapping::totalTimeout)
        .orElse(config.timeouts().total());
  }

  /**
   * IIS isapiCgiRestriction: when the configuration lists allowed programs, the program that
   * would run (the interpreter, or the script itself) must be one of them. The program is found
   * by the launcher's own lookup, on the script's environment and in its working directory, so
   * the check judges exactly what the launcher would start.
   *
   * @param environment the script's environment, as it will be launched
   * @return why the script may not run, or empty when it may
   */
  public Optional<String> restriction(List<String> argv, Map<String, String> environment,
      Path script) {
    List<Path> allowed = config.restrictions().allowedPrograms();
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    String program = argv.get(0);
    ProgramLookup lookup = ProgramLookup.resolve(program, environment, workingDirectory(script));
    if (!(lookup instanceof ProgramLookup.Found found)) {
      return Optional.of("the program " + program + " is not found on the script's PATH");
    }
    Path resolved = found.program();
    for (Path candidate : allowed) {
      if (candidate.equals(resolved) || candidate.equals(script) || sameFile(candidate, resolved)) {
        return Optional.empty();
      }
    }
    return Optional.of("the program " + resolved.getFileName()
        + " is not in the list of programs allowed to run");
  }

  /** @return where a script runs: its own directory (RFC 3875 section 7.2) */
  private static Path workingDirectory(Path script) {
    return script.getParent();
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
