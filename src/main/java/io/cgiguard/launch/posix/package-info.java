/**
 * The native launcher for Linux through JNA (glibc): posix_spawn into a process group of its own
 * with every signal reset and no inherited descriptor, prlimit right after the spawn, wait4 of exactly that
 * pid for its status and resource usage, and kill of the whole process group.
 *
 * <p>{@link io.cgiguard.launch.posix.Privileges} is the one part outside the launch itself: the
 * drop from root to {@code [server] run-as} that {@code cgiguard serve} makes once its ports are
 * bound, so that every script inherits an unprivileged identity.
 *
 * <p>JNA types appear only in this package.
 */
package io.cgiguard.launch.posix;
