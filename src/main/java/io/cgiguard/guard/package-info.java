/**
 * Step three of a request: the guard between the HTTP layer and the launcher.
 *
 * <p>Input: what an attempt observed ({@link io.cgiguard.guard.Observation}: a
 * {@link io.cgiguard.cgi.HeaderBlock}, a header timeout or a spawn error, and the script's
 * {@link io.cgiguard.launch.Termination}). Output: decisions and values: a
 * {@link io.cgiguard.guard.Verdict} from the {@link io.cgiguard.guard.Classifier}, a
 * {@link io.cgiguard.guard.RetryDecision} from the {@link io.cgiguard.guard.RetryPolicy}, admission
 * by the {@link io.cgiguard.guard.Bulkhead} and the {@link io.cgiguard.guard.CircuitBreaker}, a
 * {@link io.cgiguard.guard.Diagnosis} and, when the request fails, the
 * {@link io.cgiguard.guard.DiagnosticPage}.
 *
 * <p>This package knows nothing of Jetty: the attempt loop that launches and reads stdout lives in
 * the HTTP layer and calls these pure decisions. Only the bulkhead blocks, and only on its queue.
 */
package io.cgiguard.guard;
