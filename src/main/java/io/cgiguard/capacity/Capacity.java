package io.cgiguard.capacity;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The limits that bound the gateway and its scripts, read once from {@code /proc} and the cgroup
 * file system, each with what is in use under it. A bound the system does not set (unlimited) or
 * that cannot be read here is left out; an empty list means nothing is known to bound the gateway.
 *
 * <p>RLIMIT_NPROC counts every task (thread or process) of the user's real uid, the gateway's own
 * threads included, and root is exempt from it; cgroup {@code pids.max} counts every task in the
 * group and its descendants; {@code kernel.threads-max} and {@code pid_max} count the machine's.
 *
 * @param bounds every limit found, tightest first within each resource
 */
public record Capacity(List<Bound> bounds) {

  /** A limit at or above this is the cgroup v1 way of writing "no limit". */
  private static final long UNLIMITED_BYTES = 1L << 60;

  public Capacity {
    bounds = List.copyOf(bounds);
  }

  /** @return the limits of the process this runs in, as they are now */
  public static Capacity read() {
    return read(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
  }

  /** @return the limits read below {@code proc} and {@code cgroupRoot} */
  static Capacity read(Path proc, Path cgroupRoot) {
    List<Bound> found = new ArrayList<>();
    Cgroups cgroups = Cgroups.of(proc.resolve("self/cgroup"), cgroupRoot);
    long machineTasks = machineTasks(proc);
    userProcesses(proc).ifPresent(found::add);
    cgroups.pids().ifPresent(found::add);
    number(proc.resolve("sys/kernel/threads-max")).ifPresent(max -> found.add(
        new Bound("kernel.threads-max", Bound.Resource.TASKS, max, machineTasks)));
    number(proc.resolve("sys/kernel/pid_max")).ifPresent(max -> found.add(
        new Bound("kernel.pid_max", Bound.Resource.TASKS, max, machineTasks)));
    cgroups.memory(UNLIMITED_BYTES).ifPresent(found::add);
    machineMemory(proc).ifPresent(found::add);
    found.sort(Comparator.comparing(Bound::resource).thenComparingLong(Bound::headroom));
    return new Capacity(found);
  }

  /** @return the bound of {@code resource} with the least headroom, if any */
  public Optional<Bound> tightest(Bound.Resource resource) {
    return bounds.stream().filter(b -> b.resource() == resource)
        .min(Comparator.comparingLong(Bound::headroom));
  }

  /**
   * Names a shortage that made a spawn fail, such as "the process table of this service is full:
   * cgroup pids.max 38 reached".
   *
   * @param errno the spawn's errno name: {@code EAGAIN} for tasks, {@code ENOMEM} for memory,
   *     {@code EMFILE} or {@code ENFILE} for descriptors
   */
  public String shortage(String errno) {
    if ("EMFILE".equals(errno) || "ENFILE".equals(errno)) {
      return descriptors(errno, "the script's pipes");
    }
    if ("ENOMEM".equals(errno)) {
      return tightest(Bound.Resource.MEMORY)
          .map(b -> "memory for a new process is short: " + reachedOrClosest(b))
          .orElse("memory for a new process is short (no memory limit could be read)");
    }
    return tightest(Bound.Resource.TASKS)
        .map(b -> "the process table of this service is full: " + reachedOrClosest(b))
        .orElse("the process table of this service is full (no limit on tasks could be read)");
  }

  /**
   * Names a full descriptor table, such as "the gateway has no file descriptor left for this
   * file: RLIMIT_NOFILE 1024 reached". The gateway's limit is asked of the kernel without opening
   * a file, since there is no descriptor to open one with.
   *
   * @param errno {@code EMFILE} for the gateway's own limit, {@code ENFILE} for the machine's
   * @param purpose what the descriptor was for, such as "the script's pipes"
   */
  public static String descriptors(String errno, String purpose) {
    if ("ENFILE".equals(errno)) {
      OptionalLong max = number(Path.of("/proc/sys/fs/file-max"));
      return "the machine's table of open files is full"
          + (max.isPresent() ? ": fs.file-max " + max.getAsLong() + " reached" : "");
    }
    OptionalLong limit = openFilesLimit();
    return "the gateway has no file descriptor left for " + purpose
        + (limit.isPresent() ? ": RLIMIT_NOFILE " + limit.getAsLong() + " reached"
            : " (RLIMIT_NOFILE reached)");
  }

  /** @return this process's soft RLIMIT_NOFILE by getrlimit(2), which needs no descriptor */
  private static OptionalLong openFilesLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      return limit > 0 ? OptionalLong.of(limit) : OptionalLong.empty();
    }
    return softLimit(Path.of("/proc/self/limits"), "Max open files");
  }

  /**
   * A bound within a few tasks (or 2%) of its limit is named as reached: the spawn that failed
   * has given its task back by the time the limit is read, and others come and go.
   */
  private static String reachedOrClosest(Bound bound) {
    long nearly = Math.max(bound.resource() == Bound.Resource.TASKS ? 4 : 0, bound.limit() / 50);
    return bound.headroom() <= nearly
        ? bound.name() + " " + bound.limitText() + " reached (" + bound.used() + " in use now)"
        : bound.describe() + " is the closest limit";
  }

  /** RLIMIT_NPROC of this process against the tasks of its real uid; root is exempt. */
  private static Optional<Bound> userProcesses(Path proc) {
    OptionalLong limit = softLimit(proc.resolve("self/limits"), "Max processes");
    OptionalLong uid = statusField(proc.resolve("self/status"), "Uid:");
    if (limit.isEmpty() || uid.isEmpty() || uid.getAsLong() == 0) {
      return Optional.empty();
    }
    long tasks = 0;
    try (Stream<Path> entries = Files.list(proc)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        Path status = entry.resolve("status");
        if (statusField(status, "Uid:").orElse(-1) == uid.getAsLong()) {
          tasks += statusField(status, "Threads:").orElse(1);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(new Bound("RLIMIT_NPROC of uid " + uid.getAsLong(), Bound.Resource.TASKS,
        limit.getAsLong(), tasks));
  }

  /** The machine's tasks, the denominator of the fourth field of {@code /proc/loadavg}. */
  private static long machineTasks(Path proc) {
    try {
      String[] fields = firstLine(proc.resolve("loadavg")).split("\\s+");
      return Long.parseLong(fields[3].substring(fields[3].indexOf('/') + 1));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static Optional<Bound> machineMemory(Path proc) {
    OptionalLong total = statusField(proc.resolve("meminfo"), "MemTotal:");
    OptionalLong available = statusField(proc.resolve("meminfo"), "MemAvailable:");
    if (total.isEmpty() || available.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Bound("machine memory", Bound.Resource.MEMORY,
        total.getAsLong() << 10, (total.getAsLong() - available.getAsLong()) << 10));
  }

  /** The soft limit of a {@code /proc/<pid>/limits} row, empty when unlimited or unreadable. */
  static OptionalLong softLimit(Path limits, String row) {
    try {
      for (String line : Files.readAllLines(limits, StandardCharsets.US_ASCII)) {
        if (line.startsWith(row)) {
          String soft = line.substring(row.length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? OptionalLong.empty()
              : OptionalLong.of(Long.parseLong(soft));
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /** The first number after {@code key} in a {@code key: value} file, such as status. */
  static OptionalLong statusField(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
        if (line.startsWith(key)) {
          return OptionalLong.of(Long.parseLong(line.substring(key.length()).trim()
              .split("\\s+")[0]));
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /**
   * The first line of a file of {@code /proc} or {@code /sys}, read line by line: such a file
   * says its size is 0, and a whole-file read sized from that was seen to return a wrong value.
   */
  private static String firstLine(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    return lines.isEmpty() ? "" : lines.get(0).trim();
  }

  /** A file holding one number; empty when it says {@code max} or cannot be read. */
  static OptionalLong number(Path file) {
    try {
      String text = firstLine(file);
      return text.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }
}
