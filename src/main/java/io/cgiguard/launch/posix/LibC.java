package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The glibc functions the launcher calls, bound by JNA direct mapping ({@link Native#register}):
 * a call costs a JNI transition instead of the reflective argument conversion of an interface
 * mapping, which was a visible share of the gateway's CPU per request. Functions returning -1
 * leave errno for {@link Native#getLastError()}; the posix_spawn family returns the error number
 * instead. Only primitives, primitive arrays and {@link Pointer}s cross, as direct mapping needs.
 */
final class LibC {
  static {
    Native.register("c");
  }

  private LibC() {}

  static final int O_CLOEXEC = 0x80000;
  static final int O_RDONLY = 0;
  static final int O_WRONLY = 1;

  /** posix_spawn flags, from glibc's spawn.h. */
  static final short POSIX_SPAWN_SETPGROUP = 0x02;
  static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  static final short POSIX_SPAWN_SETSIGMASK = 0x08;

  /** Generous upper bounds of the opaque glibc types (80, 336 and 128 bytes on x86-64). */
  static final int FILE_ACTIONS_BYTES = 512;
  static final int SPAWNATTR_BYTES = 1024;
  static final int SIGSET_BYTES = 256;

  /** struct rusage: two timevals, then ru_maxrss in KiB; 144 bytes on 64-bit Linux. */
  static final int RUSAGE_BYTES = 144;

  /** fcntl command that sets a pipe's capacity (linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 7). */
  static final int F_SETPIPE_SZ = 1031;

  /** poll(2) event bits (asm-generic/poll.h). */
  static final short POLLIN = 0x1;

  /** epoll(7): epoll_create1's flag, epoll_ctl's operations, the one event bit asked for. */
  static final int EPOLL_CLOEXEC = 0x80000;
  static final int EPOLL_CTL_ADD = 1;
  static final int EPOLL_CTL_DEL = 2;
  static final int EPOLLIN = 0x1;

  /** wait4 option: return 0 at once when the child has not changed state. */
  static final int WNOHANG = 1;

  /** waitid(2): which child ({@code P_PID}), and options beyond {@link #WNOHANG}. */
  static final int P_PID = 1;
  static final int WEXITED = 4;
  /** Leaves the child waitable: a look at its exit that does not reap it. */
  static final int WNOWAIT = 0x01000000;

  /** siginfo_t: 128 bytes; si_code at 8, si_pid at 16 and si_status at 24 on 64-bit Linux;
   * si_code is CLD_EXITED, or CLD_KILLED (2) or CLD_DUMPED for a signal. */
  static final int SIGINFO_BYTES = 128;
  static final int CLD_EXITED = 1;
  static final int CLD_DUMPED = 3;

  /** The pidfd_open(2) system call number, the same on every architecture since Linux 5.3. */
  static final long SYS_PIDFD_OPEN = 434;

  /**
   * The waitid(2) system call number, which differs by architecture (the tables of
   * arch/x86/entry/syscalls, arch/arm/tools and include/uapi/asm-generic/unistd.h), or -1 where
   * it is not known here.
   */
  static final long SYS_WAITID = switch (com.sun.jna.Platform.ARCH) {
    case "x86-64" -> 247;
    case "x86" -> 284;
    case "arm" -> 280;
    case "ppc", "ppc64", "ppc64le" -> 272;
    case "s390x" -> 281;
    case "aarch64", "riscv64", "loongarch64" -> 95;
    default -> -1;
  };

  static final int EFD_CLOEXEC = 0x80000;

  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EPERM = 1;

  static native int pipe2(int[] fds, int flags);

  static native int close(int fd);

  static native int open(String path, int flags);

  static native long write(int fd, byte[] bytes, long count);

  static native int fcntl(int fd, int command, int argument);

  static native int kill(int pid, int signal);

  static native int wait4(int pid, Pointer status, int options, Pointer rusage);

  static native int waitid(int idType, int id, Pointer info, int options);

  static native int prlimit(int pid, int resource, Pointer newLimit, Pointer oldLimit);

  static native String strerror(int errno);

  static native long read(int fd, Pointer buffer, long count);

  static native int poll(Pointer fds, long count, int timeoutMillis);

  /** One struct pollfd per thread that asks, kept: a relay asks once or twice per response. */
  private static final ThreadLocal<Memory> POLL_FD = ThreadLocal.withInitial(() -> new Memory(8));

  /**
   * poll(2) of one descriptor for input.
   *
   * @return 1 when a read (or, for a pidfd, waitid) would not wait, 0 at the timeout, -1 with
   *     errno set
   */
  static int pollIn(int fd, int timeoutMillis) {
    Memory pollFd = POLL_FD.get();
    pollFd.setInt(0, fd);
    pollFd.setShort(4, POLLIN);
    pollFd.setShort(6, (short) 0);
    return poll(pollFd, 1, timeoutMillis);
  }

  static native int eventfd(int initialValue, int flags);

  static native int epoll_create1(int flags);

  static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

  static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

  static native int eventfd_read(int fd, Pointer value);

  static native int eventfd_write(int fd, long value);

  static native int getpid();

  /** Used for pidfd_open only, which glibc wraps from 2.36 on. */
  static native long syscall(long number, long first, long second);

  /**
   * waitid(2) as the kernel has it: its fifth argument, which glibc's wrapper leaves out, is the
   * child's resource usage, filled in with {@link #WNOWAIT} too.
   */
  static native long syscall(long number, long idType, long id, Pointer info, long options,
      Pointer rusage);

  static native int sigaction(int signal, Pointer action, Pointer oldAction);

  static native int sigemptyset(Pointer set);

  static native int sigfillset(Pointer set);

  static native int posix_spawn_file_actions_init(Pointer actions);

  static native int posix_spawn_file_actions_destroy(Pointer actions);

  static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

  static native int posix_spawn_file_actions_addchdir_np(Pointer actions, Pointer path);

  static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  static native int posix_spawnattr_init(Pointer attr);

  static native int posix_spawnattr_destroy(Pointer attr);

  static native int posix_spawnattr_setflags(Pointer attr, short flags);

  static native int posix_spawnattr_setsigmask(Pointer attr, Pointer mask);

  static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer defaults);

  static native int posix_spawn(
      Pointer pid, Pointer path, Pointer actions, Pointer attr, Pointer argv, Pointer envp);
}
