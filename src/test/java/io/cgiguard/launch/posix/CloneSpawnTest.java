package io.cgiguard.launch.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgiguard.Polling;
import io.cgiguard.TestScripts;
import io.cgiguard.launch.Launch;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.launch.SpawnError;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The native spawn itself: that the build made it, and how it fails. */
@Timeout(60)
class CloneSpawnTest {
  private static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin");

  private final PosixLauncher launcher = new PosixLauncher();

  @BeforeAll
  static void onlyWhereItRuns() {
    assumeTrue(PosixLauncher.unsupportedReason().isEmpty(), "native launcher unsupported here");
  }

  @AfterEach
  void closeLauncher() {
    launcher.close();
  }

  /** A build with a C compiler must not fall back to posix_spawn without anyone noticing. */
  @Test
  void theBuildMadeTheNativeSpawnAndTheLauncherUsesIt() {
    assumeTrue(onPath("cc"), "no C compiler (cc) here, so the build made no native spawn");
    assertThat(CloneSpawn.unavailableReason()).isEmpty();
    assertThat(launcher.spawnDescription()).startsWith("native spawn");
  }

  @Test
  void aFailedStepIsNamedWithItsErrno() {
    assumeTrue(CloneSpawn.unavailableReason().isEmpty(), "the native spawn was not built");
    SpawnError noDirectory = failure(new LaunchSpec(List.of("/bin/true"), ENVIRONMENT,
        TestScripts.path("no-such-directory"), ResourceLimits.NONE,
        LaunchSpec.StderrSink.DISCARD, 0));
    assertThat(noDirectory.message()).contains("chdir failed with ENOENT");
    SpawnError notExecutable = failure(spec(TestScripts.program(
        "startup-failures/no-interpreter-line")));
    assertThat(notExecutable.message()).contains("execve failed with ENOEXEC",
        "Exec format error");
  }

  /** A spawn that fails in the child closes its pipes and pidfd and reaps the child. */
  @Test
  void failedSpawnsLeaveNoDescriptorAndNoChild() throws Exception {
    assumeTrue(CloneSpawn.unavailableReason().isEmpty(), "the native spawn was not built");
    // One spawn first, so that whatever is opened once (the library, the JIT's files) is open.
    failure(spec(TestScripts.program("startup-failures/no-interpreter-line")));
    long descriptors = openDescriptors();
    for (int i = 0; i < 200; i++) {
      failure(spec(TestScripts.program("startup-failures/no-interpreter-line")));
      failure(new LaunchSpec(List.of("/bin/true"), ENVIRONMENT,
          TestScripts.path("no-such-directory"), ResourceLimits.NONE,
          LaunchSpec.StderrSink.DISCARD, 0));
    }
    assertThat(openDescriptors()).isLessThanOrEqualTo(descriptors);
    assertThat(Polling.eventually(Duration.ofSeconds(10), () -> zombieChildren() == 0))
        .as("children of this JVM left unreaped").isTrue();
  }

  /**
   * A child copies only the low slots of the gateway's descriptor table, not the whole of it:
   * with thousands of descriptors open here (at least 1,000), the script's table is a fraction of this JVM's
   * (FDSize in /proc/PID/status; a whole copy is at least as large as the highest open descriptor)
   * and it still holds only 0, 1 and 2.
   */
  @Test
  void aChildCopiesOnlyTheLowSlotsOfABigDescriptorTable() throws Exception {
    assumeTrue(CloneSpawn.unavailableReason().isEmpty(), "the native spawn was not built");
    String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    assumeTrue(atLeast(kernel, 5, 9), "Linux " + kernel + " has no CLOSE_RANGE_UNSHARE (5.9)");
    // 3,000 descriptors, or as many as this JVM's open-files limit leaves room for.
    long room = openFilesLimit() - openDescriptors() - 256;
    assumeTrue(room >= 1000, "the open-files limit leaves room for only " + room + " descriptors");
    int count = (int) Math.min(3000, room);
    List<FileInputStream> held = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        held.add(new FileInputStream("/dev/null"));
      }
      long ownTable = fdSize(Files.readString(Path.of("/proc/self/status")));
      assertThat(ownTable).isGreaterThanOrEqualTo(count);
      long shared = CloneSpawn.sharedTableSpawns();
      Launch launch = launcher.launch(spec(TestScripts.program("processes/descriptor-table.sh")));
      assertThat(launch).isInstanceOf(Launch.Started.class);
      String output;
      try (ScriptProcess process = ((Launch.Started) launch).process()) {
        output = new String(process.stdout().readAllBytes(), StandardCharsets.UTF_8);
      }
      List<String> lines = List.of(output.trim().split("\\s+"));
      assertThat(Long.parseLong(lines.get(0))).as(output).isLessThanOrEqualTo(ownTable / 4);
      // 3 is the descriptor ls itself opens to read /proc/self/fd.
      assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder("0", "1", "2", "3");
      assertThat(CloneSpawn.sharedTableSpawns()).isEqualTo(shared + 1);
    } finally {
      for (FileInputStream stream : held) {
        stream.close();
      }
    }
  }

  /** Whether a kernel release such as "6.1.0-13-amd64" is at least major.minor. */
  private static boolean atLeast(String release, int major, int minor) {
    Matcher version = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
    if (!version.find()) {
      return false;
    }
    int foundMajor = Integer.parseInt(version.group(1));
    return foundMajor > major
        || (foundMajor == major && Integer.parseInt(version.group(2)) >= minor);
  }

  /** The soft limit on open files, from /proc/self/limits ("unlimited" as Long.MAX_VALUE). */
  private static long openFilesLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    throw new IllegalStateException("no open-files limit in /proc/self/limits");
  }

  private static long fdSize(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("FDSize:")) {
        return Long.parseLong(line.substring("FDSize:".length()).trim());
      }
    }
    throw new IllegalStateException("no FDSize in " + status);
  }

  private SpawnError failure(LaunchSpec spec) {
    Launch launch = launcher.launch(spec);
    assertThat(launch).isInstanceOf(Launch.Failed.class);
    return ((Launch.Failed) launch).error();
  }

  private static LaunchSpec spec(String program) {
    return new LaunchSpec(List.of(program), ENVIRONMENT, TestScripts.ROOT, ResourceLimits.NONE,
        LaunchSpec.StderrSink.DISCARD, 0);
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long zombieChildren() {
    long self = ProcessHandle.current().pid();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes.filter(p -> p.getFileName().toString().matches("[0-9]+"))
          .filter(p -> isZombieChildOf(p, self)).count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isZombieChildOf(Path process, long parent) {
    try {
      String stat = Files.readString(process.resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return fields[0].equals("Z") && Long.parseLong(fields[1]) == parent;
    } catch (IOException e) {
      return false; // gone meanwhile
    }
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(directory -> Files.isExecutable(Path.of(directory, command)));
  }
}
