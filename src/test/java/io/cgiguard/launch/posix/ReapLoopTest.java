package io.cgiguard.launch.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.common.StderrDrain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reap loop's refusal path: a script it cannot watch is never left running unwatched; and its
 * periodic turns for OOM scores, which stop when there is nothing to score. (Its ordinary work,
 * reaping and draining stderr, is what every launcher test exercises.)
 */
@Timeout(60)
class ReapLoopTest {
  private static final int ESRCH = 3;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  static void onlyWhereItRuns() {
    assumeTrue(PosixLauncher.unsupportedReason().isEmpty(), "native launcher unsupported here");
  }

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  @Test
  void aScriptHandedToAClosedLoopIsKilledReapedAndItsTerminationSaysWhy() throws Exception {
    Spawner.Outcome outcome =
        new PosixSpawn().spawnOnly(Path.of("/bin/sleep"), List.of("/bin/sleep", "300"),
            Map.of("PATH", "/usr/bin:/bin"), Path.of("/"));
    assertThat(outcome).isInstanceOf(Spawner.Spawned.class);
    Spawner.Spawned spawned = (Spawner.Spawned) outcome;
    int pidfd = ReapLoop.openPidfd(spawned.pid());
    assertThat(pidfd).as("pidfd_open").isGreaterThanOrEqualTo(0);
    StderrDrain drain = new StderrDrain(LaunchSpec.StderrSink.DISCARD, 1024);
    PosixScriptProcess process =
        new PosixScriptProcess(spawned.pid(), OutputStream.nullOutputStream(),
            InputStream.nullInputStream(), drain, System.nanoTime(), scheduler, p -> {}, p -> {});
    try {
      ReapLoop loop = new ReapLoop();
      loop.close();

      loop.watch(process, pidfd, spawned.stderrFd(), drain, false);

      assertThatThrownBy(() -> process.awaitTermination(Duration.ofSeconds(10)))
          .hasRootCauseMessage(
              "cannot watch script " + spawned.pid() + ": the launcher is closed");
      // Reaped, not a zombie: a zombie could still be signalled.
      assertThat(LibC.kill(spawned.pid(), 0)).isEqualTo(-1);
      assertThat(Native.getLastError()).isEqualTo(ESRCH);
      assertThat(process.reaped).isTrue();
    } finally {
      // Only while it is still ours: once reaped, its pid may already name another process.
      if (!process.reaped) {
        LibC.kill(spawned.pid(), 9);
        LibC.wait4(spawned.pid(), null, 0, null);
      }
      LibC.close(spawned.stdinFd());
      LibC.close(spawned.stdoutFd());
    }
  }

  /**
   * The loop turns periodically only while some script's OOM score is its to write: once the last
   * such script is gone it stops after {@link ReapLoop#IDLE_SCORE_TURNS} turns, and the next such
   * script starts the turns again and gets its score.
   */
  @Test
  void theScoringTurnsStopWithoutScriptsToScoreAndStartAgainWithTheNext() throws Exception {
    Set<String> before = tasks();
    ReapLoop loop = new ReapLoop();
    try {
      String loopThread = newThreadNamed("cgiguard-reap-l", before);

      PosixScriptProcess quick = watched(loop, "/bin/true");
      assertThat(quick.awaitTermination(Duration.ofSeconds(10))).isPresent();
      quick.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      long wakes;
      do {
        long start = voluntarySwitches(loopThread);
        Thread.sleep(500);
        wakes = voluntarySwitches(loopThread) - start;
      } while (wakes > 0 && System.nanoTime() - deadline < 0);
      assertThat(wakes).as("the loop's wake-ups in half a second with nothing to score")
          .isZero();

      PosixScriptProcess slow = watched(loop, "/bin/sleep", "5");
      try {
        Path score = Path.of("/proc", Long.toString(slow.pid()), "oom_score_adj");
        deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.readString(score).strip().equals("1000")
            && System.nanoTime() - deadline < 0) {
          Thread.sleep(10);
        }
        assertThat(Files.readString(score).strip()).isEqualTo("1000");
      } finally {
        slow.close();
      }
    } finally {
      loop.close();
    }
  }

  /** A script started as the launcher starts one, watched by {@code loop} for its score too. */
  private PosixScriptProcess watched(ReapLoop loop, String... argv) {
    Spawner.Outcome outcome = new PosixSpawn().spawnOnly(Path.of(argv[0]), List.of(argv),
        Map.of("PATH", "/usr/bin:/bin"), Path.of("/"));
    assertThat(outcome).isInstanceOf(Spawner.Spawned.class);
    Spawner.Spawned spawned = (Spawner.Spawned) outcome;
    LibC.close(spawned.stdinFd());
    LibC.close(spawned.stdoutFd());
    int pidfd = ReapLoop.openPidfd(spawned.pid());
    assertThat(pidfd).as("pidfd_open").isGreaterThanOrEqualTo(0);
    StderrDrain drain = new StderrDrain(LaunchSpec.StderrSink.DISCARD, 1024);
    PosixScriptProcess process = new PosixScriptProcess(spawned.pid(),
        OutputStream.nullOutputStream(), InputStream.nullInputStream(), drain, System.nanoTime(),
        scheduler, p -> {}, p -> {});
    loop.watch(process, pidfd, spawned.stderrFd(), drain, true);
    return process;
  }

  /**
   * The thread started since {@code before} under {@code name}: a Java thread names its native
   * thread itself once running, so right after {@code start()} it may still be called "java".
   */
  private static String newThreadNamed(String name, Set<String> before) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Set<String> started = tasks();
      started.removeAll(before);
      Optional<String> found = started.stream().filter(tid -> name(tid).equals(name)).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      assertThat(System.nanoTime() - deadline).as("a new thread named " + name).isNegative();
      Thread.sleep(5);
    }
  }

  private static Set<String> tasks() throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks.map(task -> task.getFileName().toString())
          .collect(Collectors.toCollection(HashSet::new));
    }
  }

  private static String name(String tid) {
    try {
      return Files.readString(Path.of("/proc/self/task", tid, "comm")).strip();
    } catch (IOException gone) {
      return "";
    }
  }

  private static long voluntarySwitches(String tid) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/task", tid, "status")).stream()
        .filter(line -> line.startsWith("voluntary_ctxt_switches:"))
        .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).strip()))
        .findFirst().orElseThrow();
  }
}
