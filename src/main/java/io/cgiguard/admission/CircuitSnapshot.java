package io.cgiguard.admission;

import java.time.Instant;
import java.util.Optional;

/**
 * A read-only view of one {@link CircuitBreaker}, for {@code /-/status} and metrics.
 *
 * @param state the state at the time of the snapshot
 * @param outcomes outcomes in the window now (at most the window size)
 * @param failures failures among them
 * @param openedAt when the circuit last opened, if it ever did
 * @param timesOpened how often it has opened since the gateway started
 */
public record CircuitSnapshot(
    CircuitState state, int outcomes, int failures, Optional<Instant> openedAt, long timesOpened) {}
