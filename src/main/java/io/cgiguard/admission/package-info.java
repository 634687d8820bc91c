/**
 * Whether an attempt may start: the per-script {@link io.cgiguard.admission.Bulkhead} (a slot, or
 * a bounded wait for one), the per-script {@link io.cgiguard.admission.CircuitBreaker} (closed,
 * open or half-open), and the {@link io.cgiguard.admission.RetryPolicy} that decides, from facts
 * alone, whether a failed attempt may be followed by another.
 *
 * <p>Input: a script key, a clock, a {@link io.cgiguard.failure.FailureKind} and the
 * {@link io.cgiguard.admission.RetryFacts} of the failed attempt. Output: a
 * {@link io.cgiguard.admission.Slot}, a {@link io.cgiguard.admission.CircuitAdmission} or a
 * {@link io.cgiguard.admission.RetryDecision}. Only the bulkhead blocks, and only on its queue;
 * nothing here launches a process or knows of HTTP.
 */
package io.cgiguard.admission;
