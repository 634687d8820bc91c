package io.cgiguard.launch.posix;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

/**
 * The glibc functions the launcher calls. Functions returning -1 leave errno for
 * {@link Native#getLastError()}; the posix_spawn family returns the error number instead.
 */
interface LibC extends Library {
  LibC INSTANCE = Native.load("c", LibC.class);

  int O_CLOEXEC = 0x80000;

  /** posix_spawn flags, from glibc's spawn.h. */
  short POSIX_SPAWN_SETPGROUP = 0x02;
  short POSIX_SPAWN_SETSIGDEF = 0x04;
  short POSIX_SPAWN_SETSIGMASK = 0x08;

  /** Generous upper bounds of the opaque glibc types (80, 336 and 128 bytes on x86-64). */
  int FILE_ACTIONS_BYTES = 512;
  int SPAWNATTR_BYTES = 1024;
  int SIGSET_BYTES = 256;

  /** struct rusage: two timevals, then ru_maxrss in KiB; 144 bytes on 64-bit Linux. */
  int RUSAGE_BYTES = 144;
  int RUSAGE_MAXRSS_OFFSET = 32;

  /** fcntl command that sets a pipe's capacity (linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 7). */
  int F_SETPIPE_SZ = 1031;

  int EINTR = 4;
  int EPERM = 1;

  int pipe2(int[] fds, int flags);

  int close(int fd);

  int fcntl(int fd, int command, int argument);

  int kill(int pid, int signal);

  int wait4(int pid, IntByReference status, int options, Pointer rusage);

  int prlimit(int pid, int resource, Pointer newLimit, Pointer oldLimit);

  String strerror(int errno);

  int sigemptyset(Pointer set);

  int sigfillset(Pointer set);

  int posix_spawn_file_actions_init(Pointer actions);

  int posix_spawn_file_actions_destroy(Pointer actions);

  int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

  int posix_spawn_file_actions_addchdir_np(Pointer actions, Pointer path);

  int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_destroy(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer mask);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer defaults);

  int posix_spawn(
      IntByReference pid, Pointer path, Pointer actions, Pointer attr, StringArray argv,
      StringArray envp);
}
