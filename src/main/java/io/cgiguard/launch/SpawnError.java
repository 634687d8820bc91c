package io.cgiguard.launch;

/**
 * Why a program could not be started.
 *
 * @param errno the C errno (for example 2 for ENOENT), or 0 when the platform gave none
 * @param errnoName the symbolic name, such as {@code ENOENT}, {@code EACCES}, {@code ENOEXEC},
 *     {@code E2BIG}, {@code EAGAIN}; {@code UNKNOWN} when not known
 * @param message a sentence for people, naming the program
 */
public record SpawnError(int errno, String errnoName, String message) {

  /** Linux's ECANCELED: the start was called off, not tried. */
  private static final int ECANCELED = 125;

  /**
   * The answer of a launcher that has been closed: the gateway is stopping and its last scripts
   * have been killed, so nothing new starts (and a retry will not help).
   */
  public static SpawnError closed(String program) {
    return new SpawnError(ECANCELED, "ECANCELED", "cannot start \"" + program
        + "\": the launcher is closed because the gateway is stopping");
  }
}
