package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.common.Errno;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The project's own spawn ({@code src/main/c/cgiguard_spawn.c}, built into the classes as
 * {@code libcgiguard.so}): one native call that creates the pipes, starts the child with
 * {@code clone3(CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_CLEAR_SIGHAND)} (plain
 * {@code clone} where that is refused) on a stack it keeps for reuse, and returns
 * the pid, a pidfd and the pipes. The child sets its process group, its resource limits and its
 * OOM score before exec (a gateway that dropped root has {@link ReapLoop} write the score once the
 * script runs), so a script never runs a single instruction without its limits.
 *
 * <p>It replaces, per script, some thirty JNA calls ({@link PosixSpawn}: posix_spawn's file
 * actions and attributes, a prlimit per limit, the score's file, pidfd_open), and the 36 KiB stack
 * glibc's posix_spawn maps and unmaps for every child: unmapping memory in a process whose
 * threads run on several CPUs makes every other CPU flush its TLB. The child is the same kind of
 * child as posix_spawn's (it shares the gateway's memory until exec, all signals blocked), and
 * exec failures such as ENOENT, EACCES and ENOEXEC come back as the call's return value.
 */
final class CloneSpawn implements Spawner {
  /** The native library's name, as JNA finds it: {@code linux-x86-64/libcgiguard.so} and so on. */
  static final String LIBRARY = "cgiguard";

  /** The steps the native call names when it fails (its {@code enum step}). */
  private static final String[] STEPS = {
    "cgiguard_spawn", "pipe2", "clone", "setpgid", "setrlimit", "dup2", "chdir", "close_range",
    "execve", "malloc of the child's stack", "pidfd_open", "unshare",
  };

  /**
   * Triples of low descriptors the native code reserves for the children's ends, so that a child
   * copies the gateway's descriptor table only from below them (see {@code cgiguard_spawn.c}):
   * one per spawn in progress at once, which two CPUs rarely take past two or three.
   */
  private static final int SLOT_TRIPLES = 8;

  /** The OOM score written by the child, NUL-terminated, for the life of the gateway. */
  private static final Memory OOM_SCORE = nulTerminated(ProcessLimits.SCRIPT_OOM_SCORE_TEXT);

  private static Optional<String> unavailable;

  /**
   * Where the native call writes the pid, pidfd, the three pipe ends, the failed step, and whether
   * the OOM score is still to be written.
   */
  private static final ThreadLocal<int[]> RESULT = ThreadLocal.withInitial(() -> new int[7]);

  /**
   * {@code /dev/null}, read-only, kept open for the gateway's life: the stdin of every script
   * given no input, as lighttpd gives it, which saves such a request a pipe and two closes. -1
   * where it cannot be opened, or opens onto 0, 1 or 2 (the gateway started with one of them
   * closed), which the child's own descriptors must take: a pipe then, as before.
   */
  private static final int DEV_NULL = devNull();

  private static native int cgiguard_spawn(Pointer program, Pointer argv, Pointer envp,
      Pointer directory, long[] limits, int limitCount, Pointer oomScore, int stdoutPipeBytes,
      int stdinFd, int[] out);

  private static native int cgiguard_spawn_reserve(int triples);

  private static native long cgiguard_spawn_shared_count();

  /**
   * Binds the native call on first use.
   *
   * @return empty when the library was found and bound, otherwise why not
   */
  static synchronized Optional<String> unavailableReason() {
    if (unavailable == null) {
      try {
        Native.register(CloneSpawn.class, NativeLibrary.getInstance(LIBRARY));
        unavailable = Optional.empty();
        // Now, when the launcher is made, before the listeners open: the slots are then among the
        // gateway's lowest descriptors.
        cgiguard_spawn_reserve(SLOT_TRIPLES);
      } catch (UnsatisfiedLinkError e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        unavailable = Optional.of(newline < 0 ? message : message.substring(0, newline));
      }
    }
    return unavailable;
  }

  /**
   * The native code starts children with clone3 on x86-64 (where it carries the few instructions
   * a child on its own stack needs), falling back to clone for good once a kernel or seccomp
   * filter refuses it; with clone elsewhere.
   */
  @Override
  public String describe() {
    return "amd64".equals(System.getProperty("os.arch"))
        ? "native spawn: clone3 (clone where refused), limits set before exec"
        : "native spawn: clone, limits set before exec";
  }

  @Override
  public Outcome spawn(Path program, List<String> argv, Map<String, String> environment,
      Path directory, ResourceLimits limits, boolean emptyStdin) {
    long[] triples = ProcessLimits.triples(limits);
    int[] out = RESULT.get();
    // Nothing of the spawn before may be taken for this one's.
    Arrays.fill(out, -1);
    try (SpawnImage image = SpawnImage.of(program, argv, environment, directory)) {
      int error = cgiguard_spawn(image.program(), image.argv(), image.envp(), image.directory(),
          triples, triples.length / 3, OOM_SCORE, STDOUT_PIPE_BYTES,
          emptyStdin ? DEV_NULL : -1, out);
      int step = out[5];
      if (error != 0 || step != 0) {
        return new Refused(error != 0 ? error : Errno.EIO,
            step > 0 && step < STEPS.length ? STEPS[step] : STEPS[0]);
      }
      return new Spawned(out[0], out[1], out[2], out[3], out[4], out[6] != 0);
    }
  }

  /**
   * How many spawns have started their child on the gateway's own descriptor table, to take a
   * table of its own holding only the slots below; 0 where the library was not built.
   */
  static long sharedTableSpawns() {
    return unavailableReason().isEmpty() ? cgiguard_spawn_shared_count() : 0;
  }

  private static int devNull() {
    int fd = LibC.open("/dev/null", LibC.O_RDONLY | LibC.O_CLOEXEC);
    if (fd >= 0 && fd < 3) {
      LibC.close(fd);
      return -1;
    }
    return fd;
  }

  private static Memory nulTerminated(byte[] text) {
    Memory memory = new Memory(text.length + 1L);
    memory.write(0, text, 0, text.length);
    memory.setByte(text.length, (byte) 0);
    return memory;
  }
}
