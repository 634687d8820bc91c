package io.cgiguard.cli;

import io.cgiguard.Polling;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cgiguard serve --config FILE} as a child JVM on this test's class path, so that it can be
 * sent real signals and be seen to exit. Its output goes to a file (a pipe nobody reads would
 * block its logging), which the tests read for the log lines an operator would see.
 */
final class ServeChild implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("cgiguard listening on (http://\\S+)");

  final Process process;
  final URI uri;
  private final Path log;

  private ServeChild(Process process, URI uri, Path log) {
    this.process = process;
    this.uri = uri;
    this.log = log;
  }

  /** Starts serve and waits for the URL it prints. */
  static ServeChild start(Path config, Path log) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
        "--config", config.toString()));
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    String[] url = new String[1];
    boolean listening = Polling.eventually(Duration.ofSeconds(60), () -> {
      Matcher matcher = LISTENING.matcher(read(log));
      if (matcher.find()) {
        url[0] = matcher.group(1);
        return true;
      }
      return !process.isAlive();
    });
    if (!listening || url[0] == null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("serve did not start:\n" + read(log));
    }
    return new ServeChild(process, URI.create(url[0]), log);
  }

  /** Sends {@code SIG<name>} to the child, as an operator's {@code kill -<name>} would. */
  void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** @return everything the child has printed so far */
  String output() {
    return read(log);
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
