package io.cgiguard.launch.posix;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The privilege drop of {@code cgiguard serve}, as Apache and nginx do it: a gateway started as
 * root binds its ports, then becomes the {@code [server] run-as} user (supplementary groups, then
 * group, then user, in that order, because after setuid the process may no longer change its
 * groups). Scripts inherit that identity, so no script runs as root by accident; {@code run-as =
 * "root"} is the one explicit way to keep it.
 *
 * <p>glibc's setuid and setgid change the credentials of every thread of the process (NPTL's
 * set*id broadcast), which is what a JVM with many threads needs; a raw system call would change
 * only the calling thread.
 */
public final class Privileges {

  /** The user that keeps root: naming it is the explicit opt-in. */
  public static final String ROOT = "root";

  /** What {@link #drop} did; every outcome except {@link Refused} lets the gateway serve. */
  public sealed interface Outcome permits Dropped, KeptRoot, Unprivileged, Refused {}

  /** Started as root and now runs as {@code user} ({@code uid}, {@code gid}). */
  public record Dropped(String user, int uid, int gid) implements Outcome {}

  /** Started as root and stays root because the configuration says {@code run-as = "root"}. */
  public record KeptRoot() implements Outcome {}

  /** Not started as root: nothing to drop, scripts run as the current user {@code uid}. */
  public record Unprivileged(int uid) implements Outcome {}

  /** The drop could not be done (unknown user, a failed call); the gateway must not serve. */
  public record Refused(String reason) implements Outcome {}

  /** The few glibc calls of the drop; kept apart from the launcher's {@code LibC}. */
  interface Identity extends Library {
    Identity INSTANCE = Native.load("c", Identity.class);

    int getuid();

    int geteuid();

    Pointer getpwnam(String name);

    int initgroups(String user, int group);

    int setgid(int gid);

    int setuid(int uid);

    String strerror(int errno);
  }

  private Privileges() {}

  /**
   * Drops root to {@code runAs} when the process runs as root. Call it after every listening
   * socket is bound (ports below 1024 need root) and before the first request is served.
   *
   * @param runAs the user name from {@code [server] run-as}
   */
  public static Outcome drop(String runAs) {
    if (!Platform.isLinux() && !Platform.isMac() && !Platform.isFreeBSD()) {
      return new Refused("cannot change users on " + System.getProperty("os.name"));
    }
    Identity c = Identity.INSTANCE;
    if (c.geteuid() != 0) {
      return new Unprivileged(c.geteuid());
    }
    if (ROOT.equals(runAs)) {
      return new KeptRoot();
    }
    Pointer entry = c.getpwnam(runAs);
    if (entry == null) {
      return new Refused("[server] run-as names the user \"" + runAs
          + "\", which does not exist on this system");
    }
    // struct passwd: pw_name and pw_passwd (two pointers), then pw_uid and pw_gid (two ints).
    int uid = entry.getInt(2L * Native.POINTER_SIZE);
    int gid = entry.getInt(2L * Native.POINTER_SIZE + 4);
    if (uid == 0) {
      return new Refused("[server] run-as names \"" + runAs + "\", which has uid 0; write "
          + "run-as = \"root\" to run scripts as root deliberately");
    }
    return change(c, runAs, uid, gid);
  }

  private static Outcome change(Identity c, String user, int uid, int gid) {
    if (c.initgroups(user, gid) != 0) {
      return failed(c, "initgroups", user);
    }
    if (c.setgid(gid) != 0) {
      return failed(c, "setgid", user);
    }
    if (c.setuid(uid) != 0) {
      return failed(c, "setuid", user);
    }
    // A drop that could be undone is no drop: prove root cannot be regained.
    if (c.setuid(0) == 0 || c.getuid() != uid || c.geteuid() != uid) {
      return new Refused("dropping root to \"" + user + "\" did not hold: uid "
          + c.getuid() + ", euid " + c.geteuid());
    }
    return new Dropped(user, uid, gid);
  }

  private static Refused failed(Identity c, String call, String user) {
    int errno = Native.getLastError();
    return new Refused("cannot become \"" + user + "\": " + call + " failed: "
        + c.strerror(errno));
  }
}
