package io.cgiguard.launch.posix;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.cgiguard.launch.ResourceLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One posix_spawn(3): three {@code O_CLOEXEC} pipes, the child's ends moved onto 0, 1 and 2, every
 * other descriptor closed ({@code addclosefrom_np}), the working directory changed
 * ({@code addchdir_np}), a process group of its own (so the whole tree can be killed), an empty
 * signal mask and every signal at its default (the JVM blocks and handles several, and a script
 * must not inherit that).
 *
 * <p>A new process group, not a new session: where the kernel has autogroup scheduling (the
 * default on common distributions), setsid also puts the child in a scheduling group of its own,
 * weighted like the whole gateway. Under load a script then starved the gateway's reading thread:
 * 1 GiB of stdout streamed at 0.3 to 0.6 times a JDK pipe, against 1.0 to 1.1 with setpgid. The
 * price is that a script shares the gateway's controlling terminal, if it has one; it is never
 * the foreground group, so a terminal's Ctrl-C does not reach it and a read of the tty stops it.
 * glibc spawns with CLONE_VFORK, so exec failures such as ENOENT, EACCES and ENOEXEC come back as
 * posix_spawn's return value.
 *
 * <p>posix_spawn has no attribute for resource limits: they are set with prlimit(2) once it has
 * returned, and the script may run its first instructions (the loader, the interpreter's start)
 * before they land. {@link CloneSpawn}, which sets them in the child before exec, is preferred
 * wherever it loads.
 */
final class PosixSpawn implements Spawner {
  private final ProcessLimits limits = new ProcessLimits();

  @Override
  public String describe() {
    return "posix_spawn, then prlimit and pidfd_open";
  }

  @Override
  public Outcome spawn(Path program, List<String> argv, Map<String, String> environment,
      Path directory, ResourceLimits resourceLimits, boolean emptyStdin) {
    // Always a pipe: a GET pays a pipe2 and two closes here, which the native spawn saves.
    Outcome outcome = spawnOnly(program, argv, environment, directory);
    if (!(outcome instanceof Spawned spawned)) {
      return outcome;
    }
    int limitError = limits.apply(spawned.pid(), resourceLimits);
    if (limitError != 0) {
      // Running without the limits asked for is not an option: undo the spawn.
      return undo(spawned, limitError, "prlimit");
    }
    // Refused where the gateway dropped root, as the native spawn's child is, or while the
    // script is still between its exec and being made dumpable: the reap loop then writes it.
    boolean scored = ProcessLimits.expendable(spawned.pid());
    // Opened before anything can reap the child, so it names exactly this process.
    int pidfd = ReapLoop.openPidfd(spawned.pid());
    if (pidfd < 0) {
      return undo(spawned, Native.getLastError(), "pidfd_open");
    }
    return new Spawned(spawned.pid(), pidfd, spawned.stdinFd(), spawned.stdoutFd(),
        spawned.stderrFd(), !scored);
  }

  private static Refused undo(Spawned spawned, int errno, String call) {
    spawned.undo();
    return new Refused(errno, call);
  }

  /** The spawn alone: limits, score and pidfd are not set yet, and {@code pidfd} is -1. */
  Outcome spawnOnly(Path program, List<String> argv, Map<String, String> environment,
      Path directory) {
    // -1 marks a descriptor not opened yet, so a failure half-way closes only what exists.
    int[] stdin = {-1, -1};
    int[] stdout = {-1, -1};
    int[] stderr = {-1, -1};
    if (!pipe(stdin) || !pipe(stdout) || !pipe(stderr)) {
      int errno = Native.getLastError();
      closeAll(stdin, stdout, stderr);
      return new Refused(errno, "pipe2");
    }
    // Best effort: with the default 64 KiB a bulk response streamed about 10% slower than through
    // a JDK pipe (more wake-ups per byte); 256 KiB streams as fast. The kernel may refuse (a user
    // over pipe-user-pages-soft), and then the default size is fine.
    LibC.fcntl(stdout[0], LibC.F_SETPIPE_SZ, STDOUT_PIPE_BYTES);
    try (SpawnImage image = SpawnImage.of(program, argv, environment, directory)) {
      LibC.posix_spawn_file_actions_init(image.actions());
      LibC.posix_spawnattr_init(image.attr());
      try {
        int error = prepare(image, stdin[0], stdout[1], stderr[1]);
        if (error != 0) {
          closeAll(stdin, stdout, stderr);
          return new Refused(error, "posix_spawn setup");
        }
        error = LibC.posix_spawn(image.pidSlot(), image.program(), image.actions(), image.attr(),
            image.argv(), image.envp());
        // The child holds its own copies now (or never ran); the parent keeps only its ends.
        closeAll(new int[] {stdin[0], stdout[1], stderr[1]});
        if (error != 0) {
          closeAll(new int[] {stdin[1], stdout[0], stderr[0]});
          return new Refused(error, "posix_spawn");
        }
        return new Spawned(image.pid(), -1, stdin[1], stdout[0], stderr[0], false);
      } finally {
        LibC.posix_spawn_file_actions_destroy(image.actions());
        LibC.posix_spawnattr_destroy(image.attr());
      }
    }
  }

  private static int prepare(SpawnImage image, int stdinFd, int stdoutFd, int stderrFd) {
    Pointer actions = image.actions();
    Pointer attr = image.attr();
    LibC.sigemptyset(image.emptyMask());
    LibC.sigfillset(image.allSignals());
    int[] errors = {
      LibC.posix_spawn_file_actions_adddup2(actions, stdinFd, 0),
      LibC.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1),
      LibC.posix_spawn_file_actions_adddup2(actions, stderrFd, 2),
      LibC.posix_spawn_file_actions_addchdir_np(actions, image.directory()),
      LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3),
      LibC.posix_spawnattr_setflags(
          attr,
          (short)
              // The attribute's process group is 0: the child's own pid becomes its group id.
              (LibC.POSIX_SPAWN_SETPGROUP
                  | LibC.POSIX_SPAWN_SETSIGMASK
                  | LibC.POSIX_SPAWN_SETSIGDEF)),
      LibC.posix_spawnattr_setsigmask(attr, image.emptyMask()),
      LibC.posix_spawnattr_setsigdefault(attr, image.allSignals()),
    };
    for (int error : errors) {
      if (error != 0) {
        return error;
      }
    }
    return 0;
  }

  private static boolean pipe(int[] fds) {
    return LibC.pipe2(fds, LibC.O_CLOEXEC) == 0;
  }

  private static void closeAll(int[]... groups) {
    for (int[] fds : groups) {
      for (int fd : fds) {
        if (fd >= 0) {
          LibC.close(fd);
        }
      }
    }
  }
}
