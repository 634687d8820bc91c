package io.cgiguard.launch;

import io.cgiguard.TestScripts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Fixture scripts, specs and polling for the launcher tests. */
final class Fixtures {
  static final Map<String, String> ENVIRONMENT =
      Map.of("PATH", "/usr/bin:/bin", "CGIGUARD_TEST", "a value with spaces = and more");

  private Fixtures() {}

  /** @return the fixture at {@code relative} under test-scripts, as a program to run */
  static String script(String relative) {
    return TestScripts.program(relative);
  }

  static LaunchSpec spec(String... argv) {
    return spec(ResourceLimits.NONE, argv);
  }

  static LaunchSpec spec(ResourceLimits limits, String... argv) {
    return new LaunchSpec(
        List.of(argv), ENVIRONMENT, TestScripts.ROOT, limits, LaunchSpec.StderrSink.DISCARD, 4096);
  }

  static ScriptProcess started(Launcher launcher, LaunchSpec spec) {
    Launch launch = launcher.launch(spec);
    if (launch instanceof Launch.Started started) {
      return started.process();
    }
    throw new AssertionError("expected a start, got " + launch);
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  /** Reads one line of stdout, byte by byte, so nothing after it is consumed. */
  static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
      line.append((char) b);
    }
    return line.toString();
  }

  static Termination awaitTermination(ScriptProcess process) throws InterruptedException {
    return process.awaitTermination(Duration.ofSeconds(30))
        .orElseThrow(() -> new AssertionError("script did not end"));
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes; @return whether it held */
  static boolean eventually(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    return io.cgiguard.Polling.eventually(timeout, condition);
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        && !isZombie(pid);
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  static List<Long> pids(String lines) {
    List<Long> pids = new ArrayList<>();
    for (String line : lines.split("\n")) {
      if (!line.isBlank()) {
        pids.add(Long.parseLong(line.trim()));
      }
    }
    return pids;
  }
}
