/**
 * Step four of a request: the attempt loop. {@link io.cgiguard.attempt.ScriptAttempts} takes an
 * {@link io.cgiguard.attempt.AttemptPlan}, asks admission for a slot and the circuit, launches the
 * script, reads its header block against the header timeout
 * ({@link io.cgiguard.attempt.HeaderReading}, {@link io.cgiguard.attempt.Watchdog}), classifies
 * what it observed ({@link io.cgiguard.attempt.Classifier} → {@link io.cgiguard.attempt.Verdict})
 * and retries when the retry policy allows.
 *
 * <p>Input: a plan and a {@link io.cgiguard.launch.Launcher}. Output: an
 * {@link io.cgiguard.attempt.Outcome}: a running script with a complete header block to relay, or
 * a {@link io.cgiguard.failure.Failure} with every attempt's history. The loop knows nothing of
 * Jetty: the HTTP layer relays the body and renders the page.
 */
package io.cgiguard.attempt;
