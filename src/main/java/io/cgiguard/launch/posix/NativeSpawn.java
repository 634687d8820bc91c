package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One posix_spawn(3): three {@code O_CLOEXEC} pipes, the child's ends moved onto 0, 1 and 2, every
 * other descriptor closed ({@code addclosefrom_np}), the working directory changed
 * ({@code addchdir_np}), a new session so the child leads its own process group, an empty signal
 * mask and every signal at its default (the JVM blocks and handles several, and a script must not
 * inherit that). glibc spawns with CLONE_VFORK, so exec failures such as ENOENT, EACCES and ENOEXEC
 * come back as posix_spawn's return value.
 */
final class NativeSpawn {

  /** The outcome of a spawn: the child and the gateway's ends of its pipes, or an errno. */
  sealed interface Outcome {}

  /** The parent ends: {@code stdinFd} is written, {@code stdoutFd} and {@code stderrFd} read. */
  record Spawned(int pid, int stdinFd, int stdoutFd, int stderrFd) implements Outcome {}

  /** Nothing runs; every descriptor opened for the attempt is closed again. */
  record Refused(int errno, String call) implements Outcome {}

  private final LibC libc;

  NativeSpawn(LibC libc) {
    this.libc = libc;
  }

  Outcome spawn(Path program, List<String> argv, Map<String, String> environment, Path directory) {
    // -1 marks a descriptor not opened yet, so a failure half-way closes only what exists.
    int[] stdin = {-1, -1};
    int[] stdout = {-1, -1};
    int[] stderr = {-1, -1};
    if (!pipe(stdin) || !pipe(stdout) || !pipe(stderr)) {
      int errno = Native.getLastError();
      closeAll(stdin, stdout, stderr);
      return new Refused(errno, "pipe2");
    }
    Memory actions = new Memory(LibC.FILE_ACTIONS_BYTES);
    Memory attr = new Memory(LibC.SPAWNATTR_BYTES);
    libc.posix_spawn_file_actions_init(actions);
    libc.posix_spawnattr_init(attr);
    try {
      int error = prepare(actions, attr, stdin[0], stdout[1], stderr[1], directory);
      if (error != 0) {
        closeAll(stdin, stdout, stderr);
        return new Refused(error, "posix_spawn setup");
      }
      IntByReference pid = new IntByReference();
      error =
          libc.posix_spawn(pid, cString(program.toString()), actions, attr, strings(argv),
              strings(environment));
      // The child holds its own copies now (or never ran); the parent keeps only its ends.
      closeAll(new int[] {stdin[0], stdout[1], stderr[1]});
      if (error != 0) {
        closeAll(new int[] {stdin[1], stdout[0], stderr[0]});
        return new Refused(error, "posix_spawn");
      }
      return new Spawned(pid.getValue(), stdin[1], stdout[0], stderr[0]);
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
      libc.posix_spawnattr_destroy(attr);
    }
  }

  private int prepare(
      Pointer actions, Pointer attr, int stdinFd, int stdoutFd, int stderrFd, Path directory) {
    Memory emptyMask = new Memory(LibC.SIGSET_BYTES);
    Memory allSignals = new Memory(LibC.SIGSET_BYTES);
    libc.sigemptyset(emptyMask);
    libc.sigfillset(allSignals);
    int[] errors = {
      libc.posix_spawn_file_actions_adddup2(actions, stdinFd, 0),
      libc.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1),
      libc.posix_spawn_file_actions_adddup2(actions, stderrFd, 2),
      libc.posix_spawn_file_actions_addchdir_np(actions, cString(directory.toString())),
      libc.posix_spawn_file_actions_addclosefrom_np(actions, 3),
      libc.posix_spawnattr_setflags(
          attr,
          (short)
              (LibC.POSIX_SPAWN_SETSID
                  | LibC.POSIX_SPAWN_SETSIGMASK
                  | LibC.POSIX_SPAWN_SETSIGDEF)),
      libc.posix_spawnattr_setsigmask(attr, emptyMask),
      libc.posix_spawnattr_setsigdefault(attr, allSignals),
    };
    for (int error : errors) {
      if (error != 0) {
        return error;
      }
    }
    return 0;
  }

  private boolean pipe(int[] fds) {
    return libc.pipe2(fds, LibC.O_CLOEXEC) == 0;
  }

  private void closeAll(int[]... groups) {
    for (int[] fds : groups) {
      for (int fd : fds) {
        if (fd >= 0) {
          libc.close(fd);
        }
      }
    }
  }

  private static StringArray strings(List<String> values) {
    return new StringArray(values.toArray(new String[0]), StandardCharsets.UTF_8.name());
  }

  private static StringArray strings(Map<String, String> environment) {
    return strings(
        environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  /** A NUL-terminated UTF-8 copy: JNA's own String conversion follows the JVM's default charset. */
  static Memory cString(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    Memory memory = new Memory(bytes.length + 1L);
    memory.write(0, bytes, 0, bytes.length);
    memory.setByte(bytes.length, (byte) 0);
    return memory;
  }
}
