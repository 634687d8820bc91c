/**
 * What bounds the number of processes and the memory the gateway and its scripts can have, read
 * from {@code /proc} and the cgroup file system: the run-as user's {@code RLIMIT_NPROC}, the
 * cgroup's {@code pids.max} and memory limit, {@code kernel.threads-max} and {@code pid_max}.
 *
 * <p>Input: the running system. Output: {@link io.cgiguard.capacity.Capacity} snapshots with the
 * headroom of each bound, the sentence that names a shortage, and the start-up warnings of
 * {@link io.cgiguard.capacity.CapacityPlan}. Nothing here starts a thread or a process.
 */
package io.cgiguard.capacity;
