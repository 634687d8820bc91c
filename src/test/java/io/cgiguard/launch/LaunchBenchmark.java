package io.cgiguard.launch;

import io.cgiguard.launch.jdk.JdkLauncher;
import io.cgiguard.launch.posix.PosixLauncher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Spawn rate and stdout throughput of both launchers against a plain {@link ProcessBuilder} pipe,
 * printed as ratios; a benchmark, not a test (timings vary with the machine's load). Run with
 * {@code java -cp <test classpath> io.cgiguard.launch.LaunchBenchmark [spawns] [MiB]}.
 */
public final class LaunchBenchmark {
  private static final int READ_BYTES = 64 * 1024;
  private static final int ROUNDS = 5;

  private LaunchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int spawns = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    long mebibytes = args.length > 1 ? Long.parseLong(args[1]) : 1024;
    String[] stream = {"/usr/bin/head", "-c", Long.toString(mebibytes << 20), "/dev/zero"};
    try (Launcher posix = new PosixLauncher();
        Launcher jdk = new JdkLauncher()) {
      System.out.printf("spawns/s of /bin/true: posix %.0f, jdk %.0f%n",
          spawns / spawnMany(posix, spawns), spawns / spawnMany(jdk, spawns));
      // Rounds interleave the three, so a change in the machine's load hits them alike.
      double plain = Double.MAX_VALUE;
      double viaPosix = Double.MAX_VALUE;
      double viaJdk = Double.MAX_VALUE;
      for (int round = 0; round < ROUNDS; round++) {
        plain = Math.min(plain, seconds(() -> throughPlainPipe(stream)));
        viaPosix = Math.min(viaPosix, seconds(() -> throughLauncher(posix, stream)));
        viaJdk = Math.min(viaJdk, seconds(() -> throughLauncher(jdk, stream)));
      }
      System.out.printf(
          "stdout MiB/s, best of %d: plain pipe %.0f, posix %.0f (%.2f x), jdk %.0f (%.2f x)%n",
          ROUNDS, mebibytes / plain, mebibytes / viaPosix, plain / viaPosix, mebibytes / viaJdk,
          plain / viaJdk);
    }
  }

  private interface Timed {
    void run() throws Exception;
  }

  private static double seconds(Timed timed) throws Exception {
    long start = System.nanoTime();
    timed.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static double spawnMany(Launcher launcher, int spawns) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < spawns; i++) {
      try (ScriptProcess process = started(launcher, "/bin/true")) {
        process.awaitTermination(Duration.ofSeconds(10));
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static void throughLauncher(Launcher launcher, String... argv) throws IOException {
    try (ScriptProcess process = started(launcher, argv)) {
      drain(process.stdout());
    }
  }

  private static void throughPlainPipe(String... argv) throws Exception {
    Process process = new ProcessBuilder(argv).start();
    drain(process.getInputStream());
    process.waitFor();
  }

  private static ScriptProcess started(Launcher launcher, String... argv) {
    LaunchSpec spec =
        new LaunchSpec(List.of(argv), Map.of("PATH", "/usr/bin:/bin"), Path.of("/"),
            ResourceLimits.NONE, LaunchSpec.StderrSink.DISCARD, 0);
    if (launcher.launch(spec) instanceof Launch.Started started) {
      return started.process();
    }
    throw new IllegalStateException("cannot start " + argv[0]);
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[READ_BYTES];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
    }
    return total;
  }
}
