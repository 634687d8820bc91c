package io.cgiguard.launch.posix;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.cgiguard.launch.Launch;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.SpawnError;
import io.cgiguard.launch.common.Errno;
import io.cgiguard.launch.common.LaunchThreads;
import io.cgiguard.launch.common.ProgramCache;
import io.cgiguard.launch.common.ProgramLookup;
import io.cgiguard.launch.common.StderrDrain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts scripts on Linux through JNA, with the project's native spawn or glibc's posix_spawn
 * ({@link Spawner}): each in a process group of its own (killable as a whole; {@link PosixSpawn}
 * says why not a new session), with nothing of the gateway inherited and its limits applied, and
 * exit status plus resource usage from waitid.
 */
public final class PosixLauncher implements Launcher {
  /** glibc symbols beyond POSIX that the launcher needs, with the glibc version that added them. */
  private static final List<String> REQUIRED_SYMBOLS =
      List.of(
          "posix_spawn_file_actions_addclosefrom_np", // 2.34
          "posix_spawn_file_actions_addchdir_np", // 2.29
          "prlimit",
          "pipe2",
          "wait4",
          "poll",
          "eventfd",
          "epoll_create1",
          "epoll_ctl",
          "epoll_wait",
          "syscall");

  private final Spawner spawner;
  private final LaunchThreads threads = new LaunchThreads();
  private final ProgramCache programs = new ProgramCache();
  private final ReapLoop reaper = new ReapLoop();
  private final Set<PosixScriptProcess> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A launcher with the native spawn where it loads, posix_spawn otherwise ({@link Spawner}). */
  public PosixLauncher() {
    this(Spawner.choose());
  }

  PosixLauncher(Spawner spawner) {
    this.spawner = spawner;
  }

  /** A launcher that starts scripts with glibc's posix_spawn whatever else is available. */
  public static PosixLauncher withPosixSpawn() {
    return new PosixLauncher(new PosixSpawn());
  }

  /**
   * @return empty when this launcher can run here (64-bit Linux, JNA loads, glibc new enough),
   *     otherwise why not
   */
  public static Optional<String> unsupportedReason() {
    try {
      if (!Platform.isLinux() || Native.LONG_SIZE != 8) {
        return Optional.of("not 64-bit Linux");
      }
      NativeLibrary c = NativeLibrary.getInstance("c");
      for (String symbol : REQUIRED_SYMBOLS) {
        c.getFunction(symbol);
      }
      return pidfdSupported() ? Optional.empty()
          : Optional.of("pidfd_open(2) unavailable (needs Linux 5.3)");
    } catch (LinkageError e) {
      return Optional.of("native call unavailable: " + e.getMessage());
    }
  }

  @Override
  public Launch launch(LaunchSpec spec) {
    if (closed) {
      return new Launch.Failed(SpawnError.closed(spec.argv().get(0)));
    }
    ProgramLookup lookup = programs.resolve(spec);
    if (lookup instanceof ProgramLookup.NotFound notFound) {
      return new Launch.Failed(notFound.error());
    }
    long startNanos = System.nanoTime();
    Spawner.Outcome outcome =
        spawner.spawn(
            ((ProgramLookup.Found) lookup).program(), spec.argv(), spec.environment(),
            spec.workingDirectory(), spec.limits(), spec.emptyStdin());
    if (outcome instanceof Spawner.Refused refused) {
      // The program found may be gone or changed: the next start searches the PATH again.
      programs.forget(spec);
      return failed(spec, refused.errno(), refused.call());
    }
    Spawner.Spawned spawned = (Spawner.Spawned) outcome;
    InputStream stdout;
    try {
      // A channel over the pipe (PipeInputStream says why). stderr stays a bare descriptor: the
      // reap loop reads it.
      stdout = PipeInputStream.over(spawned.stdoutFd());
    } catch (IOException e) {
      // Out of descriptors, most likely: the spawn fails with the errno, as a pipe2 would.
      spawned.undo();
      return failed(spec, errnoOf(e), "open of the stdout pipe");
    }
    return new Launch.Started(wrap(spec, spawned, startNanos, stdout));
  }
  /**
   * The errno behind a failed open: Java names it only in its message (strerror's text), and a
   * shortage of descriptors must be told apart from the rest.
   */
  private static int errnoOf(IOException e) {
    return Errno.descriptorShortage(e).orElse(Errno.EIO);
  }

  private PosixScriptProcess wrap(LaunchSpec spec, Spawner.Spawned spawned, long startNanos,
      InputStream stdout) {
    // Opened on the first write only: most requests have no body (PipeOutputStream says why).
    OutputStream stdin = new PipeOutputStream(spawned.stdinFd());
    StderrDrain drain = new StderrDrain(spec.stderrSink(), spec.stderrTailBytes());
    PosixScriptProcess script =
        new PosixScriptProcess(
            spawned.pid(), stdin, stdout, drain, startNanos, threads.scheduler(),
            live::remove, reaper::abandonStderr);
    live.add(script);
    reaper.watch(script, spawned.pidfd(), spawned.stderrFd(), drain, spawned.scoreLater());
    return script;
  }

  @Override
  public Set<ResourceLimits.Kind> enforcedLimits() {
    Set<ResourceLimits.Kind> enforced = EnumSet.copyOf(ProcessLimits.ENFORCED);
    enforced.add(ResourceLimits.Kind.PROCESS_GROUP);
    enforced.add(ResourceLimits.Kind.RESOURCE_USAGE);
    return enforced;
  }

  @Override
  public String name() {
    return "posix";
  }

  /** How scripts are started: the native spawn, or posix_spawn and why. */
  public String spawnDescription() {
    return spawner.describe();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    for (PosixScriptProcess script : List.copyOf(live)) {
      script.close();
    }
    threads.close();
    reaper.close();
  }

  /** Asked of the gateway's own pid: the reap loop waits for scripts through pidfds. */
  private static boolean pidfdSupported() {
    int fd = ReapLoop.openPidfd(LibC.getpid());
    if (fd < 0) {
      return false;
    }
    LibC.close(fd);
    return true;
  }

  private Launch.Failed failed(LaunchSpec spec, int errno, String call) {
    String message =
        "cannot start \"" + spec.argv().get(0) + "\": " + call + " failed with "
            + Errno.name(errno) + " (" + LibC.strerror(errno) + ")";
    return new Launch.Failed(new SpawnError(errno, Errno.name(errno), message));
  }
}
