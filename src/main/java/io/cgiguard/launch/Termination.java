package io.cgiguard.launch;

import java.time.Duration;
import java.util.Optional;

/**
 * Everything known about a finished process.
 *
 * @param status the exit code or the terminating signal
 * @param wallTime from spawn to reap
 * @param cpuTime user plus system CPU time, when the launcher can measure it
 * @param peakRssBytes peak resident set size in bytes, when the launcher can measure it
 * @param signalSentByGateway the last signal the gateway itself sent to the group, if any; a
 *     SIGKILL death without one was not the gateway's doing (the OOM killer, an operator)
 */
public record Termination(
    ExitStatus status,
    Duration wallTime,
    Optional<Duration> cpuTime,
    Optional<Long> peakRssBytes,
    Optional<Integer> signalSentByGateway) {}
