/**
 * Inside step four of a request: the guarded launcher.
 *
 * <p>Input: a {@link io.cgiguard.launch.LaunchSpec} (an argv array, an environment built from
 * scratch, a working directory and resource limits). Output: a running
 * {@link io.cgiguard.launch.ScriptProcess} whose stdin, stdout and stderr are pipes, and in the end
 * a {@link io.cgiguard.launch.Termination} that says exactly how it ended. Every script runs in its
 * own process group so that the whole tree can be killed; nothing of the gateway (descriptors,
 * environment, signal mask) is inherited.
 *
 * <p>This package knows nothing of HTTP: {@code cgiguard run} and {@code cgiguard load --direct}
 * use it alone.
 */
package io.cgiguard.launch;
