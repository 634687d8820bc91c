package io.cgiguard.guard;

import io.cgiguard.launch.ResourceLimits;
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
}
