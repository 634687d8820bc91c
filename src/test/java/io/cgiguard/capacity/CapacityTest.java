package io.cgiguard.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the limits: from this machine's own {@code /proc} (whatever it holds, the machine-wide
 * bounds are there), and from small {@code /proc} and cgroup trees written the way the kernel
 * writes them, v1 and v2, so that every branch is seen.
 */
class CapacityTest {

  @TempDir Path temp;

  @Test
  void thisMachinesOwnLimitsAreRead() {
    Capacity capacity = Capacity.read();

    assertThat(capacity.bounds()).extracting(Bound::name).contains("kernel.threads-max",
        "kernel.pid_max");
    assertThat(capacity.bounds()).allSatisfy(bound -> assertThat(bound.limit()).isPositive());
    assertThat(capacity.tightest(Bound.Resource.TASKS)).isPresent();
  }

  @Test
  void cgroupV1PidsLimitReachedIsNamed() throws IOException {
    Path proc = proc("8:pids:/svc\n4:memory:/svc\n0::/\n", 65534, "1000");
    Path cgroups = temp.resolve("cgroup");
    write(cgroups.resolve("pids/svc/pids.max"), "38\n");
    write(cgroups.resolve("pids/svc/pids.current"), "37\n");
    Files.createDirectories(cgroups.resolve("pids"));
    write(cgroups.resolve("memory/svc/memory.limit_in_bytes"), "536870912\n");
    write(cgroups.resolve("memory/svc/memory.usage_in_bytes"), "536346624\n");
    write(cgroups.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
    write(cgroups.resolve("memory/memory.usage_in_bytes"), "1000\n");

    Capacity capacity = Capacity.read(proc, cgroups);

    assertThat(capacity.shortage("EAGAIN")).isEqualTo(
        "the process table of this service is full: cgroup pids.max 38 reached (37 in use now)");
    assertThat(capacity.shortage("ENOMEM")).startsWith(
        "memory for a new process is short: cgroup memory.limit_in_bytes 512 MiB reached");
    assertThat(capacity.bounds()).extracting(Bound::name).contains("RLIMIT_NPROC of uid 65534");
  }

  @Test
  void aFullDescriptorTableIsNamedWithTheLimitOfThisProcess() throws IOException {
    String soft = Files.readAllLines(Path.of("/proc/self/limits")).stream()
        .filter(line -> line.startsWith("Max open files")).findFirst().orElseThrow()
        .substring("Max open files".length()).trim().split("\\s+")[0];

    assertThat(Capacity.descriptors("EMFILE", "this file")).isEqualTo(
        "the gateway has no file descriptor left for this file: RLIMIT_NOFILE " + soft
        + " reached");
    assertThat(Capacity.descriptors("ENFILE", "this file"))
        .startsWith("the machine's table of open files is full: fs.file-max ");
    assertThat(Capacity.read().shortage("EMFILE")).startsWith(
        "the gateway has no file descriptor left for the script's pipes: RLIMIT_NOFILE " + soft);
  }

  @Test
  void cgroupV2LimitOfAnAncestorBoundsTheGroup() throws IOException {
    Path proc = proc("0::/parent/svc\n", 0, "unlimited");
    Path cgroups = temp.resolve("unified");
    write(cgroups.resolve("cgroup.controllers"), "pids memory\n");
    write(cgroups.resolve("parent/pids.max"), "100\n");
    write(cgroups.resolve("parent/pids.current"), "90\n");
    write(cgroups.resolve("parent/svc/pids.max"), "max\n");
    write(cgroups.resolve("parent/svc/pids.current"), "50\n");

    Capacity capacity = Capacity.read(proc, cgroups);

    assertThat(capacity.tightest(Bound.Resource.TASKS)).hasValueSatisfying(bound -> {
      assertThat(bound.name()).isEqualTo("cgroup pids.max");
      assertThat(bound.headroom()).isEqualTo(10);
    });
    assertThat(capacity.bounds()).extracting(Bound::name)
        .as("root is exempt from RLIMIT_NPROC").doesNotContain("RLIMIT_NPROC of uid 0");
  }

  @Test
  void planThatDoesNotFitSaysHowToMakeItFit() {
    Capacity capacity = new Capacity(List.of(
        new Bound("cgroup pids.max", Bound.Resource.TASKS, 500, 400),
        new Bound("kernel.threads-max", Bound.Resource.TASKS, 100_000, 900)));

    List<String> warnings = new CapacityPlan(64, 0).warnings(capacity);

    assertThat(warnings).singleElement().asString()
        .startsWith("cgroup pids.max 500 (400 in use) leaves room for 100 more tasks")
        .contains("max-running = 64 scripts may take 128")
        .contains("set max-running to at most 50 or raise the limit to at least 528");
    assertThat(new CapacityPlan(16, 0).warnings(capacity)).isEmpty();
    assertThat(new CapacityPlan(16, 400).warnings(capacity)).singleElement().asString()
        .contains("the gateway 400 threads").contains("lower [server] max-threads");
  }

  private Path proc(String cgroup, long uid, String nprocSoft) throws IOException {
    Path proc = temp.resolve("proc");
    write(proc.resolve("self/cgroup"), cgroup);
    write(proc.resolve("self/status"), "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid
        + "\t" + uid + "\nThreads:\t37\n");
    write(proc.resolve("self/limits"), "Limit                     Soft Limit           Hard Limit"
        + "           Units     \nMax processes             " + nprocSoft + "                 "
        + nprocSoft + "                 processes \n");
    write(proc.resolve("1234/status"), "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid
        + "\t" + uid + "\nThreads:\t37\n");
    write(proc.resolve("sys/kernel/threads-max"), "192736\n");
    write(proc.resolve("sys/kernel/pid_max"), "32768\n");
    write(proc.resolve("loadavg"), "0.50 0.40 0.30 2/700 12345\n");
    return proc;
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
