package io.cgiguard.cli;

import io.cgiguard.launch.posix.Privileges;

/**
 * The privilege drop {@code serve} and {@code run} share. Both must become {@code [server] run-as}
 * before a script starts: {@code serve} so that no script runs as root by accident, {@code run} so
 * that what it shows (files the script can read, the uid it prints) is what the gateway's scripts
 * would get.
 */
final class RunAsUser {

  private RunAsUser() {}

  /**
   * Becomes {@code runAs} when running as root.
   *
   * @param where where the user was named, for the message when it does not exist
   * @throws UsageException when the user does not exist; nothing was changed then
   */
  static Privileges.Outcome become(String runAs, String where) {
    Privileges.Outcome outcome = Privileges.dropTo(runAs);
    if (outcome instanceof Privileges.Outcome.UnknownUser unknown) {
      throw new UsageException("run-as user \"" + unknown.user() + "\" does not exist on this "
          + "machine (" + where + "): name an existing user, such as nobody");
    }
    return outcome;
  }
}
