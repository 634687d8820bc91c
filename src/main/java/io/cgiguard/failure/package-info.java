/**
 * The vocabulary of a failed CGI exchange, shared by every layer that handles one: the
 * {@link io.cgiguard.failure.FailureKind} (where the exchange failed, with the label that is the
 * contract in headers, metrics, logs and JSON), the {@link io.cgiguard.failure.Evidence} (what was
 * seen) and the {@link io.cgiguard.failure.Failure} that joins them.
 *
 * <p>Values only: this package depends on the launcher's result types and nothing else of the
 * gateway.
 */
package io.cgiguard.failure;
