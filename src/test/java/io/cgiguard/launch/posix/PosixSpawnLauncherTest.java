package io.cgiguard.launch.posix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.Launch;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.ScriptProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every test of {@link PosixLauncherTest} again, with scripts started by glibc's posix_spawn. */
class PosixSpawnLauncherTest extends PosixLauncherTest {

  @Override
  PosixLauncher newLauncher() {
    return PosixLauncher.withPosixSpawn();
  }

  @Test
  void startsScriptsWithPosixSpawn() {
    assertThat(launcher.spawnDescription()).startsWith("posix_spawn");
  }

  /**
   * posix_spawn has no attribute for limits: prlimit sets them once it has returned, after the
   * exec, and a {@code cat} of its own limits read them before they landed. What holds is that
   * they are in place by the time the launch returns.
   */
  @Override
  @Test
  void aScriptSeesItsLimits() throws Exception {
    ResourceLimits limits =
        new ResourceLimits(Duration.ofSeconds(7), 1L << 30, 77, 5L << 20, 300, 0);
    LaunchSpec spec = new LaunchSpec(List.of("/bin/sleep", "30"), Map.of("PATH", "/bin"),
        TestScripts.ROOT, limits, LaunchSpec.StderrSink.DISCARD, 4096);
    Launch launch = launcher.launch(spec);
    assertThat(launch).isInstanceOf(Launch.Started.class);
    try (ScriptProcess process = ((Launch.Started) launch).process()) {
      assertThat(Files.readString(Path.of("/proc/" + process.pid() + "/limits")))
          .containsPattern("Max cpu time +7 +8 +seconds")
          .containsPattern("Max open files +77 +77 +files")
          .containsPattern("Max processes +300 +300 +processes");
    }
  }

  /**
   * glibc's posix_spawn sets its internal signals 32 and 33 to "ignored" in the child, and exec
   * keeps an ignored signal: every script started this way has them ignored. Nothing else is.
   */
  @Override
  @Test
  void aScriptStartsWithNoSignalBlockedOrIgnored() throws Exception {
    LaunchSpec spec = new LaunchSpec(List.of("/bin/grep", "-E", "^Sig(Blk|Ign):",
        "/proc/self/status"), Map.of("PATH", "/bin"), TestScripts.ROOT, ResourceLimits.NONE,
        LaunchSpec.StderrSink.DISCARD, 4096);
    Launch launch = launcher.launch(spec);
    assertThat(launch).isInstanceOf(Launch.Started.class);
    try (ScriptProcess process = ((Launch.Started) launch).process()) {
      assertThat(new String(process.stdout().readAllBytes(), UTF_8))
          .isEqualTo("SigBlk:\t0000000000000000\nSigIgn:\t0000000180000000\n");
      assertThat(process.awaitTermination(Duration.ofSeconds(30)).orElseThrow().status())
          .isEqualTo(new ExitStatus.Exited(0));
    }
  }
}
