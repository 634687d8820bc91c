package io.cgiguard.launch;

/**
 * Why a program could not be started.
 *
 * @param errno the C errno (for example 2 for ENOENT), or 0 when the platform gave none
 * @param errnoName the symbolic name, such as {@code ENOENT}, {@code EACCES}, {@code ENOEXEC},
 *     {@code E2BIG}, {@code EAGAIN}; {@code UNKNOWN} when not known
 * @param message a sentence for people, naming the program
 */
public record SpawnError(int errno, String errnoName, String message) {}
