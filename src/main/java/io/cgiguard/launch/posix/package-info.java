/**
 * The native launcher for Linux through JNA (glibc): posix_spawn into a process group of its own
 * with every signal reset and no inherited descriptor, prlimit right after the spawn, wait4 of
 * exactly that pid for its status and resource usage, and kill of the whole process group. One
 * epoll thread per launcher reaps every script through its pidfd and drains every stderr
 * ({@code ReapLoop}).
 *
 * <p>{@code Privileges} is the gateway's own drop from root to its {@code run-as} user, here
 * because it is the other use of glibc through JNA.
 *
 * <p>JNA types appear only in this package.
 */
package io.cgiguard.launch.posix;
