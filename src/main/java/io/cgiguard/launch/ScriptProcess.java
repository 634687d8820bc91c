package io.cgiguard.launch;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * A started script: its pipes, and control over its whole process group.
 *
 * <p>stderr is drained by the launcher itself (lines to the {@link LaunchSpec#stderrSink()}, the
 * last bytes kept for {@link #stderrTail()}), so a script that floods stderr can never block on a
 * full pipe while the gateway waits for its stdout.
 *
 * <p>{@link #close()} is the one call that must always happen: it kills whatever is left of the
 * group, reaps the script and closes every descriptor. It is idempotent.
 */
public interface ScriptProcess extends AutoCloseable {

  /** The script's process id, which is also its process group id. */
  long pid();

  /** The script's stdin. Closing it gives the script EOF. */
  OutputStream stdin();

  /** The script's stdout. EOF comes when every process of the group has closed it. */
  InputStream stdout();

  /**
   * The script's stdout as a channel, the same stream as {@link #stdout()}: for bulk copies into
   * direct buffers without a copy through the heap.
   */
  default java.nio.channels.ReadableByteChannel stdoutChannel() {
    return java.nio.channels.Channels.newChannel(stdout());
  }

  /**
   * Whether a read of stdout would return at once, with bytes or at its end, without waiting for
   * the script; never blocks. {@code false} when the launcher cannot tell.
   */
  default boolean stdoutReady() {
    return false;
  }

  /** The last {@link LaunchSpec#stderrTailBytes()} bytes the script wrote to stderr so far. */
  byte[] stderrTail();

  /** The termination if the script itself has already exited and been reaped; never blocks. */
  Optional<Termination> termination();

  /**
   * Waits up to {@code timeout} for the script itself (not its group) to exit.
   *
   * @return the termination, or empty when it is still running after {@code timeout}
   */
  Optional<Termination> awaitTermination(Duration timeout) throws InterruptedException;

  /**
   * Waits up to {@code timeout} for the script itself to exit, and no longer: unlike
   * {@link #awaitTermination}, not for its reaping, its resource usage or the end of its stderr.
   * A relay that only needs to know how the script ended asks this.
   *
   * @return how it ended, or empty when it is still running after {@code timeout}
   */
  default Optional<ExitStatus> awaitExit(Duration timeout) throws InterruptedException {
    return awaitTermination(timeout).map(Termination::status);
  }

  /** The last signal the gateway sent to the group, if any. */
  Optional<Integer> signalSent();

  /** Sends {@code signal} to the whole process group and remembers it as sent by the gateway. */
  void signalGroup(int signal);

  /**
   * SIGTERM to the group, then, once {@code grace} has passed, {@link #stop()} if anything of the
   * group is left or stdout is still open. Returns at once; the rest happens in the background.
   */
  void terminateGroup(Duration grace);

  /**
   * SIGKILL to the group, and the gateway's end of stdout closed, so that a thread blocked reading
   * it returns at once: a process that left the group (setsid) may hold the pipe open, and no
   * signal to the group reaches it. For a request that gives up on the script.
   */
  void stop();

  /**
   * What {@link #close()} does, without waiting: the group is signalled now if anything of it may
   * still run, the rest happens once the script has been reaped, and then {@code then} runs (on
   * whichever thread finished the close). A request that has already answered closes its process
   * this way, so that nothing it waits for delays the next request on its connection.
   */
  default void closeLater(Runnable then) {
    close();
    then.run();
  }

  /** Kills the group, reaps the script, closes all pipes. Idempotent; never throws. */
  @Override
  void close();

  /** Signal numbers the gateway uses (Linux values). */
  final class Signals {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int SIGXCPU = 24;
    public static final int SIGXFSZ = 25;
    public static final int SIGSEGV = 11;
    public static final int SIGABRT = 6;
    public static final int SIGPIPE = 13;

    private Signals() {}

    /** @return the symbolic name of a Linux signal number, such as {@code SIGKILL} */
    public static String name(int signal) {
      return switch (signal) {
        case 1 -> "SIGHUP";
        case 2 -> "SIGINT";
        case 3 -> "SIGQUIT";
        case 4 -> "SIGILL";
        case 5 -> "SIGTRAP";
        case 6 -> "SIGABRT";
        case 7 -> "SIGBUS";
        case 8 -> "SIGFPE";
        case 9 -> "SIGKILL";
        case 10 -> "SIGUSR1";
        case 11 -> "SIGSEGV";
        case 12 -> "SIGUSR2";
        case 13 -> "SIGPIPE";
        case 14 -> "SIGALRM";
        case 15 -> "SIGTERM";
        case 24 -> "SIGXCPU";
        case 25 -> "SIGXFSZ";
        default -> "signal " + signal;
      };
    }
  }
}
