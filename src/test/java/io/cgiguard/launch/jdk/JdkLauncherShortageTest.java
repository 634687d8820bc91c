package io.cgiguard.launch.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgiguard.Polling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK launcher needs threads for every script it starts (the JDK's reaper, a stderr drain, an
 * exit watcher). Held in a pids cgroup three tasks above its idle size, a JVM starting scripts
 * through it must get {@code EAGAIN} failures, which the gateway retries and answers 503, and
 * never an {@code OutOfMemoryError} thrown at the caller.
 */
class JdkLauncherShortageTest {

  private static final Path PIDS = Path.of("/sys/fs/cgroup/pids");

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void threadsThatCannotBeMadeAreASpawnFailureNotAnError() throws Exception {
    assumeTrue(Files.isWritable(PIDS.resolve("cgroup.procs")),
        "this machine has no writable cgroup v1 pids hierarchy at /sys/fs/cgroup/pids");
    Path group = Files.createDirectory(PIDS.resolve("cgiguard-jdk-" + ProcessHandle.current()
        .pid()));
    Process probe = null;
    try {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      probe = new ProcessBuilder("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
          group.resolve("cgroup.procs").toString(), java.toString(), "-cp",
          System.getProperty("java.class.path"), JdkLaunchProbe.class.getName())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream(),
          StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      long idle = Long.parseLong(Files.readAllLines(group.resolve("pids.current")).get(0).trim());
      Files.writeString(group.resolve("pids.max"), Long.toString(idle + 3));
      OutputStream in = probe.getOutputStream();
      in.write("go\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      List<String> lines = new ArrayList<>();
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
      }
      assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("probe ended").isTrue();
      System.out.println("JdkLauncherShortageTest: " + lines);

      assertThat(lines).last().isEqualTo("done");
      assertThat(lines).noneMatch(line -> line.startsWith("threw"));
      assertThat(lines).contains("failed EAGAIN");
      assertThat(probe.exitValue()).isZero();
    } finally {
      if (probe != null) {
        probe.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Files.writeString(group.resolve("pids.max"), "max");
      remove(group);
    }
  }

  private static void remove(Path group) throws InterruptedException {
    boolean removed = Polling.eventually(Duration.ofSeconds(10), () -> {
      try {
        Files.delete(group);
        return true;
      } catch (IOException busy) {
        return false;
      }
    });
    assertThat(removed).as("cgroup %s removed", group).isTrue();
  }
}
