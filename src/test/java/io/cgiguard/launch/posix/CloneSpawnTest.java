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
   * with thousands of descriptors open here, the script's table is a fraction of this JVM's
   * (FDSize in /proc/PID/status; a whole copy is at least as large as the highest open descriptor)
   * and it still holds only 0, 1 and 2.
   */
  @Test
  void aChildCopiesOnlyTheLowSlotsOfABigDescriptorTable() throws Exception {
    assumeTrue(CloneSpawn.unavailableReason().isEmpty(), "the native spawn was not built");
    List<FileInputStream> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3000; i++) {
        held.add(new FileInputStream("/dev/null"));
      }
      long ownTable = fdSize(Files.readString(Path.of("/proc/self/status")));
      assertThat(ownTable).isGreaterThanOrEqualTo(3000);
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
