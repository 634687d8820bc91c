package io.cgiguard.launch.jdk;

import io.cgiguard.launch.Launch;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.launch.ScriptProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child side of {@link JdkLauncherShortageTest}: a JVM held in a small pids cgroup starts
 * {@code sleep} through the JDK launcher until the launcher says no, and prints one line per
 * launch: {@code started}, {@code failed <errno>}, or {@code threw <throwable>}.
 */
public final class JdkLaunchProbe {

  private static final int LAUNCHES = 12;

  private JdkLaunchProbe() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    List<ScriptProcess> held = new ArrayList<>();
    try (JdkLauncher launcher = new JdkLauncher()) {
      System.out.println("ready");
      System.out.flush();
      in.readLine();
      for (int i = 0; i < LAUNCHES; i++) {
        try {
          Launch launch = launcher.launch(new LaunchSpec(List.of("/bin/sleep", "3"),
              Map.of("PATH", "/usr/bin:/bin"), Path.of("/"), ResourceLimits.NONE,
              LaunchSpec.StderrSink.DISCARD, 1024));
          if (launch instanceof Launch.Started started) {
            held.add(started.process());
            System.out.println("started");
          } else {
            System.out.println("failed " + ((Launch.Failed) launch).error().errnoName());
          }
        } catch (Throwable thrown) {
          System.out.println("threw " + thrown);
        }
      }
      held.forEach(ScriptProcess::close);
    }
    System.out.println("done");
  }
}
