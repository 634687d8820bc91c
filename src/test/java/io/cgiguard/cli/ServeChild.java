package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code cgiguard serve} in a child JVM, for tests that need the gateway as a process of its own:
 * one that drops root, or that is put in a cgroup or given an rlimit. Everything the child reads
 * after the drop (its class path, the configuration) lives under a world-readable directory, as an
 * operator would have to arrange. Its stdout and stderr go to {@code stdout.txt} and
 * {@code stderr.txt} there.
 */
public final class ServeChild implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("cgiguard listening on (\\S+)");

  private final Path root;
  private final Process process;

  private ServeChild(Path root, Process process) {
    this.root = root;
    this.process = process;
  }

  /**
   * @return a configuration that listens on 127.0.0.1 at a port of the system's choosing, serves
   *     {@code docroot} and runs the scripts of {@code cgiBin} under {@code /cgi-bin/}; {@code
   *     server} is added to its {@code [server]} table (lines such as {@code run-as = "nobody"},
   *     or nothing)
   */
  public static String cgiBinConfig(Path docroot, Path cgiBin, String server) {
    return """
        [server]
        bind = "127.0.0.1"
        port = 0
        docroot = "%s"
        %s
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(docroot, server, cgiBin);
  }

  /** Starts {@code serve --config <root>/cgiguard.toml} with {@code toml} as the configuration. */
  public static ServeChild start(Path root, String toml) throws IOException {
    return startUnder(root, toml, List.of());
  }

  /**
   * As {@link #start(Path, String)}, but the JVM starts inside the cgroup whose {@code
   * cgroup.procs} is {@code procs}: a shell writes its own pid there, then becomes the JVM.
   */
  public static ServeChild startInCgroup(Path root, String toml, Path procs) throws IOException {
    return startUnder(root, toml, List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
        procs.toString()));
  }

  /**
   * As {@link #start(Path, String)}, but the JVM starts with {@code SIG<signal>} ignored, as under
   * {@code nohup}: a shell sets the disposition, which exec keeps, then becomes the JVM.
   */
  public static ServeChild startIgnoring(Path root, String toml, String signal)
      throws IOException {
    return startUnder(root, toml, List.of("sh", "-c", "trap '' " + signal + " && exec \"$@\"",
        "sh"));
  }

  /**
   * As {@link #start(Path, String)}, but the JVM is started by {@code prefix}, a command that
   * sets something up and then execs the rest of its arguments (a seccomp filter, say).
   */
  public static ServeChild startUnder(Path root, String toml, List<String> prefix)
      throws IOException {
    Path config = root.resolve("cgiguard.toml");
    Files.writeString(config, toml);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    return new ServeChild(root, cgiguard(root, prefix,
        List.of("serve", "--port", "0", "--config", config.toString())));
  }

  /**
   * Starts {@code cgiguard ARGS} in a child JVM, with the class path copied where nobody can read
   * it and the output in {@code stdout.txt} and {@code stderr.txt} under {@code root}: for a
   * command that drops root, which would otherwise take the test's own JVM with it.
   */
  public static Process cgiguard(Path root, List<String> args) throws IOException {
    return cgiguard(root, List.of(), args);
  }

  /**
   * As {@link #cgiguard(Path, List)}, with {@code prefix} before the JVM: a command that execs it,
   * such as {@code setpriv} to start it as another user.
   */
  public static Process cgiguard(Path root, List<String> prefix, List<String> args)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(java.toString(), "-cp", readableClassPath(root),
        "io.cgiguard.cli.Main"));
    command.addAll(args);
    return new ProcessBuilder(command)
        .directory(root.toFile())
        .redirectOutput(root.resolve("stdout.txt").toFile())
        .redirectError(root.resolve("stderr.txt").toFile())
        .start();
  }

  /** Sends {@code SIG<name>} to the child, as an operator's {@code kill -<name>} would. */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0)
        .as("kill -" + name).isTrue();
  }

  /** @return the URL the child prints once it listens; fails if it dies or takes longer */
  public URI awaitListening(Duration limit) throws IOException, InterruptedException {
    return awaitListening(process, root.resolve("stdout.txt"), root.resolve("stderr.txt"), limit);
  }

  /**
   * @return the URL {@code serve} prints to {@code stdout} once it listens, however it was
   *     started; fails if {@code process} ends first (with its {@code stderr}) or takes longer
   */
  public static URI awaitListening(Process process, Path stdout, Path stderr, Duration limit)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Matcher listening = LISTENING.matcher(Files.readString(stdout));
      if (listening.find()) {
        return URI.create(listening.group(1));
      }
      if (!process.isAlive()) {
        throw new AssertionError("serve ended with " + process.exitValue() + "; its stderr: "
            + Files.readString(stderr));
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("serve printed no URL within " + limit.toSeconds() + " s");
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** @return what the child wrote to stderr so far (its log) */
  public String stderr() throws IOException {
    return Files.readString(root.resolve("stderr.txt"));
  }

  public String stdout() throws IOException {
    return Files.readString(root.resolve("stdout.txt"));
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Copies this JVM's class path where nobody can read it; a home of mode 700 would not do. */
  private static String readableClassPath(Path root) throws IOException {
    Path copies = root.resolve("classpath");
    if (!Files.isDirectory(copies)) {
      readableDirectory(copies);
      int index = 0;
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path source = Path.of(entry);
        if (Files.exists(source)) {
          copyReadable(source,
              copies.resolve(String.format("%03d-%s", index++, source.getFileName())));
        }
      }
    }
    try (Stream<Path> entries = Files.list(copies)) {
      return String.join(File.pathSeparator, entries.sorted().map(Path::toString).toList());
    }
  }

  private static void copyReadable(Path source, Path target) throws IOException {
    try (Stream<Path> tree = Files.walk(source)) {
      for (Path from : (Iterable<Path>) tree::iterator) {
        Path to = target.resolve(source.relativize(from).toString());
        if (Files.isDirectory(from)) {
          readableDirectory(to);
        } else {
          Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
    }
  }

  /** Creates {@code dir} (and its parents) with mode 755. */
  public static Path readableDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }
}
