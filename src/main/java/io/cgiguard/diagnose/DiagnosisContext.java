package io.cgiguard.diagnose;

import io.cgiguard.launch.ResourceLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link Diagnoser} knows besides the failure itself.
 *
 * @param limits the resource limits the script ran under
 * @param headerTimeout the header timeout that applied
 * @param findings what {@link ScriptInspection} found in the script file, if it was inspected
 */
public record DiagnosisContext(
    ResourceLimits limits, Duration headerTimeout, List<Finding> findings) {

  public DiagnosisContext {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    findings = List.copyOf(findings);
  }

  /**
   * The context with {@link ScriptInspection}'s findings for {@code script}; a script that cannot
   * be read simply has no findings, since the diagnosis must never fail the failure page.
   *
   * @param searchPath the {@code PATH} scripts get
   */
  public static DiagnosisContext inspecting(
      ResourceLimits limits, Duration headerTimeout, Path script, String searchPath) {
    List<Finding> findings;
    try {
      findings = ScriptInspection.inspect(script, searchPath);
    } catch (IOException | RuntimeException unreadable) {
      findings = List.of();
    }
    return new DiagnosisContext(limits, headerTimeout, findings);
  }
}
