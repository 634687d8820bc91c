/**
 * Step six of a failed request: naming the likely cause. {@link io.cgiguard.diagnose.Diagnoser}
 * reads a {@link io.cgiguard.failure.Failure} (exit status, signal, stderr, resource use) with the
 * {@link io.cgiguard.diagnose.Finding}s of {@link io.cgiguard.diagnose.ScriptInspection} (the
 * script's #! line, mode, mount) and answers with a {@link io.cgiguard.diagnose.Diagnosis}: a
 * {@link io.cgiguard.diagnose.Cause}, the evidence line and a fix.
 *
 * <p>Pure decisions over values and a read of the script file; nothing here runs a script or
 * renders a page.
 */
package io.cgiguard.diagnose;
