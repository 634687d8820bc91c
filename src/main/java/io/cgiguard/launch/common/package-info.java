/**
 * What both launchers share: the executable lookup on the script's own {@code PATH}, errno names,
 * the stderr drain with its bounded tail, and the launcher's pooled threads.
 *
 * <p>Nothing here calls native code; the POSIX and JDK launchers build on it.
 */
package io.cgiguard.launch.common;
