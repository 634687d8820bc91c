package io.cgiguard.launch.posix;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The gateway's own privilege drop: when {@code serve} starts as root it binds its port, then
 * becomes the configured {@code run-as} user, as Apache and nginx do, so that no script runs as
 * root by accident. Scripts inherit the gateway's user.
 *
 * <p>glibc's {@code setgroups}, {@code setgid} and {@code setuid} change every thread of the
 * process, so the JVM's threads started before the drop lose root too.
 */
public final class Privileges {

  /** What {@link #dropTo} did. */
  public sealed interface Outcome {
    /** Started as root and now runs as {@code user}. */
    record Dropped(String user, int uid, int gid) implements Outcome {}

    /** Started as root and stays root because the configuration says {@code run-as = "root"}. */
    record KeptRoot() implements Outcome {}

    /** Not started as root: nothing to drop, scripts run as this user. */
    record NotRoot(int uid) implements Outcome {}

    /** The {@code run-as} user does not exist; nothing was changed. */
    record UnknownUser(String user) implements Outcome {}
  }

  /** The few libc calls of a privilege drop; separate from the launcher's {@code LibC}. */
  private interface Credentials extends Library {
    Credentials INSTANCE = Native.load("c", Credentials.class);

    int getuid();

    Pointer getpwnam(String name);

    int initgroups(String user, int group);

    int getgrouplist(String user, int group, int[] groups, int[] count);

    int setgid(int gid);

    int setuid(int uid);
  }

  /** struct passwd on 64-bit Linux: two pointers, then uid_t and gid_t (4 bytes each). */
  private static final int PW_UID_OFFSET = 2 * Native.POINTER_SIZE;
  private static final int PW_GID_OFFSET = PW_UID_OFFSET + 4;

  private Privileges() {}

  /**
   * A user as the kernel will judge its access: its uid, and its primary and supplementary groups.
   */
  public record Identity(String user, int uid, int[] groups) {}

  /** @return {@code user} from the user database, or empty when there is no such user */
  public static java.util.Optional<Identity> lookup(String user) {
    Credentials libc = Credentials.INSTANCE;
    Pointer passwd = libc.getpwnam(user);
    if (passwd == null) {
      return java.util.Optional.empty();
    }
    int uid = passwd.getInt(PW_UID_OFFSET);
    int gid = passwd.getInt(PW_GID_OFFSET);
    int[] count = {64};
    int[] groups = new int[count[0]];
    if (libc.getgrouplist(user, gid, groups, count) < 0) {
      groups = new int[count[0]];
      libc.getgrouplist(user, gid, groups, count);
    }
    return java.util.Optional.of(new Identity(user, uid,
        java.util.Arrays.copyOf(groups, Math.min(count[0], groups.length))));
  }

  /** @return the real uid of this process */
  public static int uid() {
    return Credentials.INSTANCE.getuid();
  }

  /**
   * Becomes {@code runAs} when running as root.
   *
   * @throws IllegalStateException when a libc call fails half way; the caller must not go on
   */
  public static Outcome dropTo(String runAs) {
    Credentials libc = Credentials.INSTANCE;
    int uid = libc.getuid();
    if (uid != 0) {
      return new Outcome.NotRoot(uid);
    }
    if ("root".equals(runAs)) {
      return new Outcome.KeptRoot();
    }
    Pointer passwd = libc.getpwnam(runAs);
    if (passwd == null) {
      return new Outcome.UnknownUser(runAs);
    }
    int targetUid = passwd.getInt(PW_UID_OFFSET);
    int targetGid = passwd.getInt(PW_GID_OFFSET);
    // Groups first, then the group id, then the user id: after setuid nothing else is allowed.
    check(libc.initgroups(runAs, targetGid), "initgroups");
    check(libc.setgid(targetGid), "setgid");
    check(libc.setuid(targetUid), "setuid");
    if (libc.setuid(0) == 0) {
      throw new IllegalStateException("could regain root after setuid(" + targetUid + ")");
    }
    return new Outcome.Dropped(runAs, targetUid, targetGid);
  }

  private static void check(int result, String call) {
    if (result != 0) {
      throw new IllegalStateException(call + " failed with errno " + Native.getLastError());
    }
  }
}
