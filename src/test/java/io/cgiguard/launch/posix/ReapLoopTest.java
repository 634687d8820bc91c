package io.cgiguard.launch.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.common.StderrDrain;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reap loop's refusal path: a script it cannot watch is never left running unwatched. (Its
 * ordinary work, reaping and draining stderr, is what every launcher test exercises.)
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
}
