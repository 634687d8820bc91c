package io.cgiguard.launch.jdk;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts scripts with {@link ProcessBuilder}: environment cleared and set from the spec, argv as an
 * array, the program looked up on the spec's {@code PATH}. It enforces no resource limit, and kills
 * the script's descendants only while they are still its descendants (a grandchild orphaned by the
 * script's exit escapes it); both are why the POSIX launcher exists.
 *
 * <p>The JDK runs a file without {@code #!} that exec rejects with ENOEXEC through
 * {@code /bin/sh}, as execvp(3) does, so such a file starts here instead of failing.
 */
public final class JdkLauncher implements Launcher {
  private final LaunchThreads threads = new LaunchThreads();
  private final ProgramCache programs = new ProgramCache();
  private final Set<JdkScriptProcess> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  @Override
  public Launch launch(LaunchSpec spec) {
    if (closed) {
      return new Launch.Failed(SpawnError.closed(spec.argv().get(0)));
    }
    ProgramLookup lookup = programs.resolve(spec);
    if (lookup instanceof ProgramLookup.NotFound notFound) {
      return new Launch.Failed(notFound.error());
    }
    List<String> command = new ArrayList<>(spec.argv());
    // The JDK would search the gateway's PATH for a bare name; hand it the resolved file instead.
    command.set(0, ((ProgramLookup.Found) lookup).program().toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(spec.workingDirectory().toFile());
    builder.environment().clear();
    builder.environment().putAll(spec.environment());
    long startNanos = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      // The program found may be gone or changed: the next start searches the PATH again.
      programs.forget(spec);
      return new Launch.Failed(spawnError(spec, e));
    } catch (OutOfMemoryError e) {
      // The JDK needs a thread to reap each child; without one the program never ran.
      return new Launch.Failed(threadShortage(spec, e));
    }
    StderrDrain drain =
        new StderrDrain(process.getErrorStream(), spec.stderrSink(), spec.stderrTailBytes());
    JdkScriptProcess script;
    try {
      threads.drains().execute(drain);
      script = new JdkScriptProcess(
          process, drain, startNanos, threads.scheduler(), threads.reapers(), live::remove);
    } catch (OutOfMemoryError e) {
      // No thread for its stderr or its exit: the script is stopped before it can do anything
      // that a retry would repeat visibly, and reported as a spawn that failed for lack of tasks.
      process.destroyForcibly();
      return new Launch.Failed(threadShortage(spec, e));
    }
    live.add(script);
    return new Launch.Started(script);
  }

  /**
   * A thread the launcher needs could not be made: the process table is full (EAGAIN), as a
   * spawn would have said. Any other OutOfMemoryError is a heap exhausted, and is not hidden.
   */
  private static SpawnError threadShortage(LaunchSpec spec, OutOfMemoryError e) {
    if (e.getMessage() == null || !e.getMessage().contains("unable to create native thread")) {
      throw e;
    }
    return new SpawnError(Errno.EAGAIN, "EAGAIN", "cannot start \"" + spec.argv().get(0)
        + "\": no thread could be made for it (" + e.getMessage() + ")");
  }

  /** Nothing: the JDK can neither set rlimits nor make a process group. */
  @Override
  public Set<ResourceLimits.Kind> enforcedLimits() {
    return Set.of();
  }

  @Override
  public String name() {
    return "jdk";
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    for (JdkScriptProcess script : List.copyOf(live)) {
      script.close();
    }
    threads.close();
  }

  private static SpawnError spawnError(LaunchSpec spec, IOException e) {
    int errno = Errno.fromJdkMessage(e.getMessage()).orElse(0);
    String message = "cannot start \"" + spec.argv().get(0) + "\": " + e.getMessage();
    return new SpawnError(errno, Errno.name(errno), message);
  }
}
