package io.cgiguard.launch.posix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.Launch;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.launch.ScriptProcess.Signals;
import io.cgiguard.launch.SpawnError;
import io.cgiguard.launch.Termination;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What only the native launcher can do: limits, orphans, resource usage, exact exec errors. With
 * the spawn it chooses here; {@link PosixSpawnLauncherTest} runs the same with posix_spawn.
 */
@Timeout(60)
class PosixLauncherTest {
  private static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin");

  final PosixLauncher launcher = newLauncher();

  PosixLauncher newLauncher() {
    return new PosixLauncher();
  }

  @BeforeAll
  static void onlyWhereItRuns() {
    assumeTrue(PosixLauncher.unsupportedReason().isEmpty(), "native launcher unsupported here");
  }

  @AfterEach
  void closeLauncher() {
    launcher.close();
  }

  @Test
  void fileWithoutInterpreterLineFailsWithEnoexec() {
    // posix_spawn, unlike execvp and the JDK, does not retry such a file through /bin/sh.
    Launch launch = launcher.launch(
        spec(ResourceLimits.NONE, script("startup-failures/no-interpreter-line")));
    assertThat(launch).isInstanceOf(Launch.Failed.class);
    SpawnError error = ((Launch.Failed) launch).error();
    assertThat(error.errno()).isEqualTo(8);
    assertThat(error.errnoName()).isEqualTo("ENOEXEC");
    assertThat(error.message()).contains("no-interpreter-line", "Exec format error");
  }

  @Test
  void missingWorkingDirectoryFailsWithEnoent() {
    LaunchSpec spec =
        new LaunchSpec(List.of("/bin/true"), ENVIRONMENT, TestScripts.path("no-such-directory"),
            ResourceLimits.NONE, LaunchSpec.StderrSink.DISCARD, 0);
    Launch launch = launcher.launch(spec);
    assertThat(launch).isInstanceOf(Launch.Failed.class);
    assertThat(((Launch.Failed) launch).error().errnoName()).isEqualTo("ENOENT");
  }

  @Test
  void cpuLimitStopsABusyLoop() throws Exception {
    ResourceLimits oneSecond =
        new ResourceLimits(Duration.ofSeconds(1), -1, -1, -1, -1, 0);
    try (ScriptProcess process = started(spec(oneSecond, script("resources/spin-cpu.sh")))) {
      Termination termination = await(process);
      assertThat(termination.status()).isInstanceOf(ExitStatus.Signaled.class);
      assertThat(((ExitStatus.Signaled) termination.status()).signal())
          .isIn(Signals.SIGXCPU, Signals.SIGKILL);
      assertThat(termination.signalSentByGateway()).isEmpty();
      assertThat(termination.cpuTime().orElseThrow()).isGreaterThan(Duration.ofMillis(500));
    }
  }

  @Test
  void addressSpaceLimitStopsALargeAllocation() throws Exception {
    ResourceLimits small = new ResourceLimits(null, 128L << 20, -1, -1, -1, 0);
    try (ScriptProcess process = started(spec(small, script("resources/allocate-512mib.pl")))) {
      Termination termination = await(process);
      assertThat(termination.status().success()).isFalse();
      assertThat(readAll(process.stdout())).isEmpty();
      assertThat(new String(process.stderrTail(), UTF_8)).containsIgnoringCase("out of memory");
    }
  }

  @Test
  void withoutLimitTheSameAllocationSucceeds() throws Exception {
    // "at-once": the fixture otherwise waits up to 5 s for an address-space limit to land.
    LaunchSpec unlimited = new LaunchSpec(List.of(script("resources/allocate-512mib.pl"),
        "at-once"), ENVIRONMENT, TestScripts.ROOT, ResourceLimits.NONE,
        LaunchSpec.StderrSink.DISCARD, 4096);
    try (ScriptProcess process = started(unlimited)) {
      assertThat(new String(readAll(process.stdout()), UTF_8))
          .isEqualTo("Content-Type: text/plain\n\n536870912\n");
      assertThat(await(process).status().success()).isTrue();
    }
  }

  @Test
  void closeKillsAnOrphanThatHoldsStdout() throws Exception {
    ScriptProcess process = started(spec(ResourceLimits.NONE, script("processes/orphan-holds-stdout.sh")));
    long orphan = Long.parseLong(readLine(process.stdout()));
    // The script itself exits at once; only its background child keeps stdout open.
    assertThat(await(process).status().success()).isTrue();
    assertThat(alive(orphan)).isTrue();
    process.close();
    assertThat(eventually(Duration.ofSeconds(10), () -> !alive(orphan))).isTrue();
  }

  @Test
  void closeLaterKillsTheGroupClosesThePipesAndThenTellsTheCaller() throws Exception {
    ScriptProcess process = started(spec(ResourceLimits.NONE, script("processes/orphan-holds-stdout.sh")));
    long orphan = Long.parseLong(readLine(process.stdout()));
    assertThat(process.awaitExit(Duration.ofSeconds(30))).contains(new ExitStatus.Exited(0));
    java.util.concurrent.CompletableFuture<Boolean> told = new java.util.concurrent.CompletableFuture<>();
    process.closeLater(() -> told.complete(process.termination().isPresent()));
    assertThat(told.get(10, java.util.concurrent.TimeUnit.SECONDS))
        .as("reaped before the caller is told").isTrue();
    assertThat(eventually(Duration.ofSeconds(10), () -> !alive(orphan))).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> process.stdout().read())
        .isInstanceOf(IOException.class);
    // A second close, as the launcher's own at shutdown, finds the work done and returns.
    process.close();
  }

  @Test
  void aSecondCloseReturnsOnceTheFirstIsDone() throws Exception {
    ScriptProcess process = started(spec(ResourceLimits.NONE, script("processes/exit-42.sh")));
    process.close();
    // The first close has finished: a second one (the launcher's at shutdown, after the
    // request's own) has nothing to wait for. A second close once waited out its 10 s limit.
    java.util.concurrent.CompletableFuture.runAsync(process::close)
        .get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(process.termination()).isPresent();
  }

  @Test
  void fileSizeLimitStopsALargeWrite(@TempDir Path directory) throws Exception {
    ResourceLimits oneKib = new ResourceLimits(null, -1, -1, 1024, -1, 0);
    LaunchSpec spec =
        new LaunchSpec(List.of(script("resources/write-4kib-file.sh"), "out"), ENVIRONMENT, directory,
            oneKib, LaunchSpec.StderrSink.DISCARD, 0);
    try (ScriptProcess process = started(spec)) {
      try (java.io.OutputStream stdin = process.stdin()) {
        stdin.write("go\n".getBytes(UTF_8));
      }
      assertThat(await(process).status())
          .isEqualTo(new ExitStatus.Signaled(Signals.SIGXFSZ, false));
      assertThat(Files.size(directory.resolve("out"))).isEqualTo(1024);
    }
  }

  @Test
  void closeReleasesAReaderEvenWhenAnEscapedProcessHoldsStdout() throws Exception {
    ScriptProcess process = started(spec(ResourceLimits.NONE, script("processes/escapee-holds-stdout.sh")));
    long escapee = Long.parseLong(readLine(process.stdout()));
    try {
      java.util.concurrent.CompletableFuture<Integer> read =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return process.stdout().read();
                } catch (IOException e) {
                  return -2;
                }
              });
      assertThat(eventually(Duration.ofMillis(200), read::isDone)).isFalse();
      process.close();
      // EOF or an I/O error, but never a reader stuck behind a process no group kill reaches.
      assertThat(read.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNegative();
    } finally {
      ProcessHandle.of(escapee).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void exitIsKnownWhileTheTerminationStillWaitsForStderr() throws Exception {
    ScriptProcess process =
        started(spec(ResourceLimits.NONE, script("processes/exit-3-escapee-holds-stderr.sh")));
    long escapee = Long.parseLong(readLine(process.stdout()));
    try {
      // Reaped at once; the termination follows only StderrDrain.SETTLE_MILLIS later, since the
      // escapee holds stderr and no group kill reaches it.
      assertThat(process.awaitExit(Duration.ofSeconds(10))).contains(new ExitStatus.Exited(3));
      assertThat(process.termination()).isEmpty();
      assertThat(await(process).status()).isEqualTo(new ExitStatus.Exited(3));
    } finally {
      ProcessHandle.of(escapee).ifPresent(ProcessHandle::destroyForcibly);
      process.close();
    }
  }

  @Test
  void awaitExitOfARunningScriptGivesUpAtItsTimeout() throws Exception {
    try (ScriptProcess process =
        started(spec(ResourceLimits.NONE, script("processes/ignore-sigterm.sh")))) {
      assertThat(readLine(process.stdout())).isEqualTo("ready");
      assertThat(process.awaitExit(Duration.ofMillis(100))).isEmpty();
      process.signalGroup(Signals.SIGKILL);
      assertThat(process.awaitExit(Duration.ofSeconds(10)))
          .contains(new ExitStatus.Signaled(Signals.SIGKILL, false));
      assertThat(process.signalSent()).contains(Signals.SIGKILL);
    }
  }

  @Test
  void awaitExitAfterTheEndOfStdoutWaitsForTheExitAndLeavesNoDescriptor() throws Exception {
    long pidfdsBefore = pidfds();
    long endOfStdout;
    try (ScriptProcess process =
        started(spec(ResourceLimits.NONE, script("processes/close-stdout-then-exit-5.sh")))) {
      assertThat(readAll(process.stdout())).isEmpty();
      endOfStdout = System.nanoTime();
      // Not a zombie yet: the relay's wait spans several of its slices in the kernel.
      assertThat(process.awaitExit(Duration.ofSeconds(10))).contains(new ExitStatus.Exited(5));
      assertThat(Duration.ofNanos(System.nanoTime() - endOfStdout))
          .isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
    }
    // The wait's own pidfd is closed, and the reap loop's with the script's end. (At most as many
    // as before: an earlier test's reap loop may still be closing its own as it stops.)
    eventually(Duration.ofSeconds(10), () -> pidfds() <= pidfdsBefore);
    assertThat(pidfds()).isLessThanOrEqualTo(pidfdsBefore);
  }

  /** @return how many pidfds the test's own process holds */
  private static long pidfds() {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().equals("anon_inode:[pidfd]");
        } catch (IOException e) {
          return false;
        }
      }).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void reportsResourceUsage() throws Exception {
    try (ScriptProcess process =
        started(spec(ResourceLimits.NONE, script("resources/burn-cpu-briefly.pl")))) {
      Termination termination = await(process);
      assertThat(termination.status().success()).isTrue();
      assertThat(termination.cpuTime().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
      // ru_maxrss of a posix_spawn child includes the JVM image exec replaced: not reported.
      assertThat(termination.peakRssBytes()).isEmpty();
      assertThat(termination.wallTime()).isGreaterThanOrEqualTo(termination.cpuTime().get()
          .minusMillis(50));
    }
  }

  @Test
  void scriptLeadsItsOwnProcessGroup() throws Exception {
    try (ScriptProcess process = started(spec(ResourceLimits.NONE, script("processes/echo-stdin.sh")))) {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields after the command: state, ppid, pgrp, session.
      assertThat(Long.parseLong(fields[2])).isEqualTo(process.pid());
      process.stdin().close();
      assertThat(await(process).status().success()).isTrue();
    }
  }

  /**
   * A script that has exited stays a zombie until it is closed, so its pid, which is its group's
   * id, cannot go to another process while the gateway may still signal that group. Before, a
   * process that took the number in between and led a group of its own (as setsid makes one) got
   * the close's SIGKILL. Linux hands pids out in turn; writing ns_last_pid makes the next one the
   * script's, as a wrap of pid_max (32,768 on many machines) would.
   */
  @Test
  void anExitedScriptKeepsItsPidUntilItIsClosed() throws Exception {
    Path lastPid = Path.of("/proc/sys/kernel/ns_last_pid");
    assumeTrue(Files.isWritable(lastPid), "writing ns_last_pid needs root");
    ScriptProcess process = started(spec(ResourceLimits.NONE, script("processes/exit-42.sh")));
    long pid = process.pid();
    assertThat(await(process).status()).isEqualTo(new ExitStatus.Exited(42));
    assertThat(state(pid)).as("exited, not yet closed").isEqualTo("Z");

    Files.writeString(lastPid, Long.toString(pid - 1));
    Process other = new ProcessBuilder("setsid", "sleep", "30").start();
    try {
      assertThat(other.pid()).as("the number is still the script's").isNotEqualTo(pid);
      process.close();
      assertThat(state(pid)).as("reaped by the close").isEmpty();
      assertThat(other.waitFor(300, java.util.concurrent.TimeUnit.MILLISECONDS))
          .as("the other process lives on").isFalse();
    } finally {
      other.destroyForcibly().waitFor();
    }
  }

  /** The state letter of /proc/PID/stat, or empty once there is no such process. */
  private static String state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch (IOException e) {
      return "";
    }
  }

  /** A script is the OOM killer's first choice, not the gateway it inherited its score from. */
  @Test
  void aScriptIsTheFirstTheOomKillerPicks() throws Exception {
    try (ScriptProcess process = started(spec(ResourceLimits.NONE,
        script("processes/echo-stdin.sh")))) {
      assertThat(Files.readString(Path.of("/proc/" + process.pid() + "/oom_score_adj")).strip())
          .isEqualTo("1000");
      assertThat(Files.readString(Path.of("/proc/self/oom_score_adj")).strip())
          .as("the gateway's own score is left alone").isNotEqualTo("1000");
      process.stdin().close();
      assertThat(await(process).status().success()).isTrue();
    }
  }

  /** The JVM blocks and handles signals; a script starts with none blocked and none ignored. */
  @Test
  void aScriptStartsWithNoSignalBlockedOrIgnored() throws Exception {
    LaunchSpec spec = new LaunchSpec(List.of("/bin/grep", "-E", "^Sig(Blk|Ign):",
        "/proc/self/status"), ENVIRONMENT, TestScripts.ROOT, ResourceLimits.NONE,
        LaunchSpec.StderrSink.DISCARD, 4096);
    try (ScriptProcess process = started(spec)) {
      assertThat(new String(readAll(process.stdout()), UTF_8))
          .isEqualTo("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
      assertThat(await(process).status()).isEqualTo(new ExitStatus.Exited(0));
    }
  }

  /**
   * A signal the gateway ignores is not ignored in its scripts. The native spawn has the kernel
   * clear the gateway's handlers as it creates the child (clone3's CLONE_CLEAR_SIGHAND) and resets
   * only the ignored signals itself, from a list it reads again at most once a second: within
   * that, a newly ignored signal is no longer ignored in the next scripts.
   */
  @Test
  void aSignalTheGatewayIgnoresIsNotIgnoredInItsScripts() throws Exception {
    int sigttou = 22;
    LaunchSpec spec = new LaunchSpec(List.of("/bin/grep", "-E", "^SigIgn:", "/proc/self/status"),
        ENVIRONMENT, TestScripts.ROOT, ResourceLimits.NONE, LaunchSpec.StderrSink.DISCARD, 4096);
    try (com.sun.jna.Memory ignore = new com.sun.jna.Memory(256);
        com.sun.jna.Memory previous = new com.sun.jna.Memory(256)) {
      ignore.clear();
      previous.clear();
      ignore.setLong(0, 1); // SIG_IGN, glibc's struct sigaction's first field
      assertThat(LibC.sigaction(sigttou, ignore, previous)).isZero();
      try {
        assertThat(SignalDisposition.isIgnored(sigttou)).isTrue();
        boolean clean = io.cgiguard.Polling.eventually(Duration.ofSeconds(5), () -> {
          try (ScriptProcess process = started(spec)) {
            String line = new String(readAll(process.stdout()), UTF_8);
            await(process);
            // posix_spawn leaves glibc's signals 32 and 33 ignored; SIGTTOU is the one asked.
            long ignored = Long.parseUnsignedLong(line.substring("SigIgn:\t".length()).strip(), 16);
            return (ignored & (1L << (sigttou - 1))) == 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        assertThat(clean).as("a script started with SIGTTOU not ignored").isTrue();
      } finally {
        LibC.sigaction(sigttou, previous, null);
      }
    }
  }

  /** The limits a script sees are the ones asked for, from its first instruction on. */
  @Test
  void aScriptSeesItsLimits() throws Exception {
    ResourceLimits limits =
        new ResourceLimits(Duration.ofSeconds(7), 1L << 30, 77, 5L << 20, 300, 0);
    LaunchSpec spec = new LaunchSpec(List.of("/bin/cat", "/proc/self/limits"), ENVIRONMENT,
        TestScripts.ROOT, limits, LaunchSpec.StderrSink.DISCARD, 4096);
    try (ScriptProcess process = started(spec)) {
      String table = new String(readAll(process.stdout()), UTF_8);
      assertThat(table)
          .containsPattern("Max cpu time +7 +8 +seconds")
          .containsPattern("Max address space +1073741824 +1073741824 +bytes")
          .containsPattern("Max open files +77 +77 +files")
          .containsPattern("Max file size +5242880 +5242880 +bytes")
          .containsPattern("Max processes +300 +300 +processes")
          .containsPattern("Max core file size +0 +0 +bytes");
      assertThat(await(process).status()).isEqualTo(new ExitStatus.Exited(0));
    }
  }

  /**
   * A script given no input reads end-of-file at once; the native spawn gives it /dev/null, as
   * lighttpd does, rather than a pipe the gateway would close at once, and its stdin stream takes
   * no write. Given input, it gets a pipe.
   */
  @Test
  void aScriptGivenNoInputReadsEndOfFileFromDevNull() throws Exception {
    List<String> argv = List.of("/bin/sh", "-c",
        "readlink /proc/$$/fd/0; cat; echo \"end $?\"");
    LaunchSpec none = new LaunchSpec(argv, ENVIRONMENT, TestScripts.ROOT, ResourceLimits.NONE,
        LaunchSpec.StderrSink.DISCARD, 4096, true);
    boolean nativeSpawn = launcher.spawnDescription().startsWith("native");
    try (ScriptProcess process = started(none)) {
      if (nativeSpawn) {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
            () -> process.stdin().write('x'))).isInstanceOf(IOException.class);
      }
      process.stdin().close();
      String out = new String(readAll(process.stdout()), UTF_8);
      if (nativeSpawn) {
        assertThat(out).isEqualTo("/dev/null\nend 0\n");
      } else {
        // posix_spawn gives a pipe whatever the spec says, which the close above ended.
        assertThat(out).startsWith("pipe:[").endsWith("\nend 0\n");
      }
      assertThat(await(process).status()).isEqualTo(new ExitStatus.Exited(0));
    }
    LaunchSpec given = new LaunchSpec(argv, ENVIRONMENT, TestScripts.ROOT, ResourceLimits.NONE,
        LaunchSpec.StderrSink.DISCARD, 4096, false);
    try (ScriptProcess process = started(given)) {
      try (var stdin = process.stdin()) {
        stdin.write("body\n".getBytes(UTF_8));
      }
      assertThat(new String(readAll(process.stdout()), UTF_8)).startsWith("pipe:[")
          .endsWith("\nbody\nend 0\n");
      assertThat(await(process).status()).isEqualTo(new ExitStatus.Exited(0));
    }
  }

  @Test
  void enforcesEveryLimitKind() {
    assertThat(launcher.enforcedLimits()).containsExactlyInAnyOrder(ResourceLimits.Kind.values());
  }

  private ScriptProcess started(LaunchSpec spec) {
    Launch launch = launcher.launch(spec);
    assertThat(launch).isInstanceOf(Launch.Started.class);
    return ((Launch.Started) launch).process();
  }

  @Test
  void runningScriptsNeedNoThreadOfTheirOwn() throws Exception {
    long threadsBefore = launcherThreads();
    List<ScriptProcess> running = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        running.add(started(spec(ResourceLimits.NONE, script("processes/echo-stdin.sh"))));
      }
      // One reap loop polls them all; before, each held a reaper and a stderr thread.
      assertThat(launcherThreads() - threadsBefore).isLessThanOrEqualTo(2);
      for (ScriptProcess process : running) {
        try (var stdin = process.stdin()) {
          stdin.write("hi\n".getBytes(UTF_8));
        }
        assertThat(new String(readAll(process.stdout()), UTF_8)).isEqualTo("hi\n");
        assertThat(await(process).status()).isEqualTo(new ExitStatus.Exited(0));
      }
    } finally {
      running.forEach(ScriptProcess::close);
    }
  }

  private static long launcherThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("cgiguard-")).count();
  }

  private static LaunchSpec spec(ResourceLimits limits, String program) {
    return new LaunchSpec(List.of(program), ENVIRONMENT, TestScripts.ROOT, limits,
        LaunchSpec.StderrSink.DISCARD, 4096);
  }

  private static String script(String relative) {
    return TestScripts.program(relative);
  }

  private static Termination await(ScriptProcess process) throws InterruptedException {
    return process.awaitTermination(Duration.ofSeconds(30)).orElseThrow();
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
      line.append((char) b);
    }
    return line.toString();
  }

  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean eventually(Duration timeout, java.util.function.BooleanSupplier check)
      throws InterruptedException {
    return io.cgiguard.Polling.eventually(timeout, check);
  }
}
