/**
 * Step three of a request, after resolution: what will run and under which rules.
 * {@link io.cgiguard.plan.ScriptCommand} picks the program (the script itself, an interpreter or a
 * mapped handler) and its argv; {@link io.cgiguard.plan.ScriptPlans} turns the configuration into
 * the {@link io.cgiguard.attempt.AttemptPlan} the attempt loop runs (limits, timeouts, retry
 * rules), applies the list of allowed programs, and gives a failure to the diagnoser with the
 * findings that matter for how the script was run.
 *
 * <p>The only package between {@code config} and the attempt loop: the layers below it take values,
 * not the configuration.
 */
package io.cgiguard.plan;
