package io.cgiguard.launch.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.Launch;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.ScriptProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where the JDK launcher knowingly differs from the native one. */
@Timeout(60)
class JdkLauncherTest {

  @Test
  void fileWithoutInterpreterLineRunsThroughTheShell() throws Exception {
    // The JDK retries an ENOEXEC file through /bin/sh as execvp(3) does; the native launcher
    // reports ENOEXEC instead. Here the shell fails on the first word, "command not found".
    LaunchSpec spec =
        new LaunchSpec(List.of(TestScripts.program("startup-failures/no-interpreter-line")),
            Map.of("PATH", "/usr/bin:/bin"), TestScripts.ROOT, ResourceLimits.NONE,
            LaunchSpec.StderrSink.DISCARD, 1024);
    try (JdkLauncher launcher = new JdkLauncher()) {
      Launch launch = launcher.launch(spec);
      assertThat(launch).isInstanceOf(Launch.Started.class);
      ScriptProcess process = ((Launch.Started) launch).process();
      assertThat(process.awaitTermination(Duration.ofSeconds(30)).orElseThrow().status())
          .isEqualTo(new ExitStatus.Exited(127));
      process.close();
    }
  }

  @Test
  void enforcesNoLimit() {
    try (JdkLauncher launcher = new JdkLauncher()) {
      assertThat(launcher.enforcedLimits()).isEmpty();
      assertThat(launcher.name()).isEqualTo("jdk");
    }
  }
}
