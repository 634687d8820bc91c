/**
 * The load generator behind {@code cgiguard load}: it stands outside the gateway, as a client.
 *
 * <p>Input: a {@link io.cgiguard.load.LoadPlan} (target, connections, closed loop or a fixed
 * rate, how long, what counts as a success). Output: a {@link io.cgiguard.load.LoadResult} with
 * every response classified by {@link io.cgiguard.load.ReplyClassifier}, latency in an
 * HdrHistogram and throughput per second, rendered as text, JSON or a self-contained HTML page.
 *
 * <p>It speaks HTTP/1.1 with its own small client (an event loop per core over non-blocking
 * sockets, and a push parser) so that the client, not a general-purpose library, sets the pace
 * on a two-core machine shared with the server, and it knows the gateway only
 * through what the gateway sends on the wire ({@code X-Cgiguard-Failure}). The one exception is
 * direct mode, which drives a {@link io.cgiguard.launch.Launcher} without HTTP.
 */
package io.cgiguard.load;
