package io.cgiguard.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Polling;
import io.cgiguard.http.ProcessTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real limit on the tasks or descriptors of one gateway process, set a few above what it uses
 * and lifted again: a pids cgroup made for the test, or RLIMIT_NPROC or RLIMIT_NOFILE set with
 * {@code prlimit --pid}.
 */
interface ShortageLimiter {

  /** @return the name the gateway gives this bound, such as {@code cgroup pids.max} */
  String boundName();

  /** Sets the limit so that {@code headroom} more tasks (or descriptors) than are in use fit. */
  void limitTo(int headroom) throws IOException, InterruptedException;

  /** Removes the limit. */
  void lift() throws IOException, InterruptedException;

  /** Lifts the limit and removes whatever the limiter made. */
  void remove() throws IOException, InterruptedException;

  /**
   * A pids cgroup of its own holding the gateway (and so every script it starts): cgroup v1's
   * pids hierarchy, or the unified v2 one.
   */
  final class PidsCgroup implements ShortageLimiter {
    private final Path dir;
    private final Path parentProcs;

    private PidsCgroup(Path dir, Path parentProcs) {
      this.dir = dir;
      this.parentProcs = parentProcs;
    }

    /** @return the hierarchy a pids group can be made in, or empty when this machine has none */
    static java.util.Optional<Path> hierarchy() {
      Path v1 = Path.of("/sys/fs/cgroup/pids");
      if (Files.isWritable(v1.resolve("cgroup.procs"))) {
        return java.util.Optional.of(v1);
      }
      Path v2 = Path.of("/sys/fs/cgroup");
      try {
        if (Files.isWritable(v2.resolve("cgroup.subtree_control"))
            && Files.readString(v2.resolve("cgroup.subtree_control")).contains("pids")) {
          return java.util.Optional.of(v2);
        }
      } catch (IOException e) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.empty();
    }

    /** Makes the group {@code name} under {@code hierarchy} and moves process {@code pid} in. */
    static PidsCgroup holding(Path hierarchy, String name, long pid) throws IOException {
      PidsCgroup group = empty(hierarchy, name);
      write(group.procs(), Long.toString(pid));
      return group;
    }

    /** Makes the group {@code name} under {@code hierarchy}, empty. */
    static PidsCgroup empty(Path hierarchy, String name) throws IOException {
      Path dir = Files.createDirectory(hierarchy.resolve(name));
      return new PidsCgroup(dir, hierarchy.resolve("cgroup.procs"));
    }

    /** @return the file a process is moved in by writing its pid */
    Path procs() {
      return dir.resolve("cgroup.procs");
    }

    /** Sets {@code pids.max} to {@code tasks}. */
    void limit(long tasks) throws IOException {
      write(dir.resolve("pids.max"), Long.toString(tasks));
    }

    @Override
    public String boundName() {
      return "cgroup pids.max";
    }

    /** @return the tasks in the group now */
    long current() throws IOException {
      return Long.parseLong(Files.readAllLines(dir.resolve("pids.current")).get(0).trim());
    }

    @Override
    public void limitTo(int headroom) throws IOException {
      write(dir.resolve("pids.max"), Long.toString(current() + headroom));
    }

    @Override
    public void lift() throws IOException {
      write(dir.resolve("pids.max"), "max");
    }

    /** Lifts the limit, moves what is left to the parent, and removes the group. */
    @Override
    public void remove() throws IOException, InterruptedException {
      if (!Files.isDirectory(dir)) {
        return;
      }
      lift();
      for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
        if (!pid.isBlank()) {
          try {
            write(parentProcs, pid.trim());
          } catch (IOException gone) {
            // The process ended in between: nothing to move.
          }
        }
      }
      boolean removed = Polling.eventually(Duration.ofSeconds(10), () -> {
        try {
          Files.delete(dir);
          return true;
        } catch (IOException busy) {
          return false;
        }
      });
      assertThat(removed).as("cgroup %s removed", dir).isTrue();
    }
  }

  /**
   * RLIMIT_NPROC of the gateway process, counted by the kernel over every task of its uid; only
   * the soft limit moves, as the gateway's own user ({@link SoftRlimit}).
   */
  final class UserProcesses extends SoftRlimit {

    UserProcesses(long pid) throws IOException {
      super(pid, "--nproc", "Max processes");
      assertThat(uid).as("the gateway runs as an unprivileged user (root is exempt)").isNotZero();
    }

    @Override
    public String boundName() {
      return "RLIMIT_NPROC of uid " + uid;
    }

    /** @return the tasks of the uid, threads included, as the kernel counts them */
    @Override
    long inUse() throws IOException {
      long tasks = 0;
      try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
        for (Path entry : entries.toList()) {
          if (entry.getFileName().toString().chars().allMatch(Character::isDigit)
              && Capacity.statusField(entry.resolve("status"), "Uid:").orElse(-1) == uid) {
            tasks += Capacity.statusField(entry.resolve("status"), "Threads:").orElse(0);
          }
        }
      }
      return tasks;
    }
  }

  /**
   * RLIMIT_NOFILE of the gateway process: the descriptors it may hold, so that a script's pipes
   * cannot be made once they are used up; only the soft limit moves, as the gateway's own user
   * ({@link SoftRlimit}), since root here may not raise it again.
   */
  final class OpenFiles extends SoftRlimit {

    OpenFiles(long pid) {
      super(pid, "--nofile", "Max open files");
    }

    @Override
    public String boundName() {
      return "RLIMIT_NOFILE";
    }

    /** @return the descriptors the process holds now */
    @Override
    long inUse() {
      return ProcessTable.openDescriptors(Long.toString(pid));
    }

    /**
     * RLIMIT_NOFILE bounds descriptor numbers, not how many are open: a limit of what is open plus
     * {@code headroom} leaves more free when the table has holes below it (a connection closed
     * after a higher descriptor was opened), and how many depends on timing. So the limit is put
     * at the free number that has exactly {@code headroom} free numbers below it: with a headroom
     * of 0, at the lowest free number.
     *
     * <p>A thread blocked in {@code accept(2)} has already taken the lowest free number at the
     * time it began to wait, without it appearing in {@code /proc/<pid>/fd}; that number counts
     * as free here, so the first connection accepted uses it, whichever side of the limit it is
     * on, and once closed it is only free again if it lies below the limit.
     */
    @Override
    long limitFor(int headroom) throws IOException {
      BitSet open = new BitSet();
      try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
        entries.forEach(entry -> open.set(Integer.parseInt(entry.getFileName().toString())));
      }
      int free = open.nextClearBit(0);
      for (int i = 0; i < headroom; i++) {
        free = open.nextClearBit(free + 1);
      }
      return free;
    }
  }

  /**
   * One soft rlimit of the gateway process, moved with {@code prlimit --pid} run through {@code
   * setpriv} as the gateway's own uid and gid: changing another user's limit takes
   * CAP_SYS_RESOURCE, which root may not have (in a container, say), while a process's own user
   * may always move its soft limit below the hard one. Lifting it puts back the soft limit it had
   * when this was made.
   */
  abstract class SoftRlimit implements ShortageLimiter {
    final long pid;
    final long uid;
    private final long gid;
    private final String option;
    private final String originalSoft;

    /**
     * @param option prlimit's option for the limit, such as {@code --nofile}
     * @param row the limit's row in {@code /proc/<pid>/limits}, such as {@code Max open files}
     */
    SoftRlimit(long pid, String option, String row) {
      this.pid = pid;
      Path status = Path.of("/proc", Long.toString(pid), "status");
      this.uid = Capacity.statusField(status, "Uid:").orElseThrow();
      this.gid = Capacity.statusField(status, "Gid:").orElseThrow();
      this.option = option;
      this.originalSoft = Capacity.softLimit(Path.of("/proc", Long.toString(pid), "limits"), row)
          .stream().mapToObj(Long::toString).findFirst().orElse("unlimited");
    }

    /** @return what the limit counts, in use now */
    abstract long inUse() throws IOException;

    @Override
    public void limitTo(int headroom) throws IOException, InterruptedException {
      prlimit(Long.toString(limitFor(headroom)));
    }

    /** @return the soft limit that leaves {@code headroom} free: what is in use plus that */
    long limitFor(int headroom) throws IOException {
      return inUse() + headroom;
    }

    @Override
    public void lift() throws IOException, InterruptedException {
      prlimit(originalSoft);
    }

    @Override
    public void remove() throws IOException, InterruptedException {
      if (Files.exists(Path.of("/proc", Long.toString(pid)))) {
        lift();
      }
    }

    private void prlimit(String soft) throws IOException, InterruptedException {
      String limit = option + "=" + soft + ":";
      Process prlimit = new ProcessBuilder(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
          "--clear-groups", "prlimit", "--pid", Long.toString(pid), limit))
          .redirectErrorStream(true).start();
      String output = new String(prlimit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(prlimit.waitFor(10, TimeUnit.SECONDS)).as("prlimit ended").isTrue();
      assertThat(prlimit.exitValue()).as("prlimit %s: %s", limit, output).isZero();
    }
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value);
  }
}
