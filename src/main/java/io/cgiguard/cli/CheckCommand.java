package io.cgiguard.cli;

import io.cgiguard.capacity.Capacity;
import io.cgiguard.capacity.CapacityPlan;
import io.cgiguard.config.ConfigException;
import io.cgiguard.config.ConfigProblem;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.config.ReloadCheck;
import io.cgiguard.diagnose.Finding;
import io.cgiguard.diagnose.ScriptInspection;
import io.cgiguard.http.RequestFilter;
import io.cgiguard.launch.posix.PosixLauncher;
import io.cgiguard.launch.posix.Privileges;
import io.cgiguard.plan.FileRoles;
import io.cgiguard.plan.ScriptCommand;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cgiguard check}: validates the configuration, then looks at every script of every mount
 * for the causes of premature termination that can be seen before a request (a #! line with a CR
 * or a Windows path, a missing interpreter, no execute bit, a noexec mount) and for holes (world-
 * writable scripts and directories). Prints, for every file, whether and how it would run (or
 * that it is a static file, or never served), then one line per finding with its fix.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validate the configuration and scan the CGI directories for scripts that will "
        + "fail or are unsafe.")
public final class CheckCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    GatewayConfig config = configOptions.load();
    out.println("configuration: ok" + config.source().map(p -> " (" + p + ")").orElse(
        " (built-in defaults)"));
    ScriptCommand commands = new ScriptCommand(config.interpreters(), config.arguments());
    String path = config.environment().passedFrom(System.getenv()).get("PATH");
    int problems = runAs(config) + missingDirectories(config);
    int scripts = 0;
    for (GatewayConfig.Mount mount : config.mounts()) {
      if (!usable(mount.dir())) {
        continue;
      }
      problems += directory(mount.dir());
      List<Path> files;
      try (Stream<Path> walk = Files.walk(mount.dir(), 8)) {
        // Hidden files (.htaccess, .gitattributes) are never served, so never run.
        files = walk.filter(Files::isRegularFile)
            .filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
      }
      for (Path file : files) {
        if (!servedBy(config, mount, file)) {
          // A mount for a folder inside this one takes its URLs: its own walk says what they do.
          continue;
        }
        scripts++;
        Optional<String> filtered = filtered(config, mount.url(), mount.dir(), file);
        if (filtered.isPresent()) {
          // Refused before routing, so never run: nothing about it to check.
          out.println(file + ": never served (" + filtered.get() + ")");
          continue;
        }
        Optional<String> refusal = role(config, mount, file, commands);
        if (refusal.isPresent()) {
          problems++;
        } else if (runs(mount, file)) {
          problems += script(mount, file, commands, path);
        }
      }
    }
    scripts += docroot(config);
    capacity(config);
    out.println(scripts + " file(s) checked, " + problems + " problem(s) found");
    return problems == 0 ? 0 : 1;
  }

  /**
   * Prints each mount directory and document root that is missing or cannot be read, as
   * {@code serve} would refuse it: at its file and line, or with the flag that gave it.
   *
   * @return the problems found
   */
  private int missingDirectories(GatewayConfig config) {
    List<ConfigProblem> missing = ReloadCheck.missingDirectories(config, configOptions.flags());
    if (!missing.isEmpty()) {
      out.println(new ConfigException(config.sourceName(), missing).getMessage());
    }
    return missing.size();
  }

  /**
   * @return whether a request for {@code file} through {@code mount}'s URL reaches this mount, as
   *     {@code serve} routes it: to the mount with the longest URL prefix that covers the path. A
   *     folder of this mount that another mount serves at its own URL (an imported IIS site's
   *     locked {@code /cgi-bin/locked/} inside {@code /cgi-bin/}) belongs to that mount.
   */
  private static boolean servedBy(GatewayConfig config, GatewayConfig.Mount mount, Path file) {
    String prefix = mount.url().endsWith("/") ? mount.url() : mount.url() + "/";
    String url = prefix + mount.dir().relativize(file).toString().replace(File.separatorChar, '/');
    boolean caseInsensitive = config.site().iisCompat().caseInsensitive();
    GatewayConfig.Mount longest = mount;
    for (GatewayConfig.Mount other : config.mounts()) {
      if (other.url().length() > longest.url().length()
          && covers(other.url(), url, caseInsensitive)) {
        longest = other;
      }
    }
    return longest == mount;
  }

  private static boolean covers(String prefix, String path, boolean caseInsensitive) {
    String p = caseInsensitive ? prefix.toLowerCase(Locale.ROOT) : prefix;
    String d = caseInsensitive ? path.toLowerCase(Locale.ROOT) : path;
    return d.startsWith(p.endsWith("/") ? p : p + "/");
  }

  /** @return whether {@code dir} is a directory this user can list, so that it can be checked */
  private static boolean usable(Path dir) {
    return Files.isDirectory(dir) && Files.isReadable(dir) && Files.isExecutable(dir);
  }

  /**
   * Prints whether and how {@code file} would run, or that it is static.
   *
   * @return why a file the mount would run is refused instead, if it is
   */
  private Optional<String> role(GatewayConfig config, GatewayConfig.Mount mount, Path file,
      ScriptCommand commands) {
    Optional<GatewayConfig.HandlerMapping> mapping =
        ScriptCommand.mapping(mount, file.getFileName().toString());
    if (!runs(mount, file)) {
      out.println(file + ": " + staticRole(config, file));
      return Optional.empty();
    }
    Optional<String> refused = FileRoles.notRunnable(mapping, file,
        file.getFileName().toString());
    if (refused.isPresent()) {
      out.println(file + ": refused (403): " + refused.get());
      return refused;
    }
    ScriptCommand.Command command = commands.build(mount, file, "");
    out.println(file + ": runs: " + (FileRoles.namesInterpreter(mapping)
        ? "mapping " + mapping.get().path() + " (" + String.join(" ", command.argv()) + ")"
        : command.argv().get(0).equals(file.toString()) ? "its #! line (execute bit)"
        : "the interpreter " + command.argv().get(0) + " (execute bit)"));
    return Optional.empty();
  }

  /** The document root's own files (those no mount covers): static, or never served. */
  private int docroot(GatewayConfig config) throws IOException {
    Optional<Path> configured = config.server().docroot();
    if (configured.isEmpty() || !usable(configured.get())) {
      return 0;
    }
    Path root = configured.get();
    List<Path> mountDirs = config.mounts().stream()
        .map(m -> m.dir().toAbsolutePath().normalize()).toList();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root, 8)) {
      files = walk.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .filter(f -> mountDirs.stream().noneMatch(f.toAbsolutePath().normalize()::startsWith))
          .sorted().toList();
    }
    for (Path file : files) {
      out.println(file + ": " + filtered(config, "/", root, file)
          .map(why -> "never served (" + why + ")").orElseGet(() -> staticRole(config, file)));
    }
    return files.size();
  }

  /**
   * @return why serve refuses every request for {@code file}, found at {@code url} (a mount's URL
   *     or the document root's {@code /}) under {@code dir}, before it routes one: request
   *     filtering's hidden segments ({@code web.config}, {@code bin}), denied extensions and
   *     sequences, and the extensions it allows
   */
  private static Optional<String> filtered(GatewayConfig config, String url, Path dir,
      Path file) {
    List<String> segments = new ArrayList<>();
    for (String part : url.split("/")) {
      if (!part.isEmpty()) {
        segments.add(part);
      }
    }
    for (Path part : dir.relativize(file)) {
      segments.add(part.toString());
    }
    return RequestFilter.refusalOfFile(config.request(), segments);
  }

  /** @return what the gateway does with a file it would serve as it is: serve it, or refuse */
  private static String staticRole(GatewayConfig config, Path file) {
    List<Path> realMountDirs = config.mounts().stream()
        .map(m -> FileRoles.realPath(m.dir())).toList();
    return FileRoles.mountRuns(config.mounts(), realMountDirs, file)
        .or(() -> FileRoles.staticRefusal(config.site(), file))
        .map(why -> "never served (403): " + why).orElse("static file");
  }

  /** In a mapped mount only the files a mapping matches run; in a script directory all do. */
  private static boolean runs(GatewayConfig.Mount mount, Path file) {
    return !mount.mapped()
        || ScriptCommand.mapping(mount, file.getFileName().toString()).isPresent();
  }

  /**
   * Warns when the limits on processes leave less room than the gateway's threads and max-running
   * scripts can take. Read as the user running check: root is exempt from RLIMIT_NPROC, the run-as
   * user is not, so serve says it again at start-up after dropping root.
   */
  private void capacity(GatewayConfig config) {
    GatewayConfig.Concurrency concurrency = config.concurrency();
    int threads = CapacityPlan.gatewayThreads(config.server().maxThreads(),
        concurrency.maxRunning());
    for (String warning : new CapacityPlan(concurrency.maxRunning(), threads)
        .warnings(Capacity.read())) {
      out.println("capacity: warning: " + warning);
    }
  }

  private int script(GatewayConfig.Mount mount, Path file, ScriptCommand commands, String path)
      throws IOException {
    ScriptCommand.Command command = commands.build(mount, file, "");
    boolean direct = command.argv().get(0).equals(file.toString());
    Optional<GatewayConfig.HandlerMapping> mapping = command.mapping();
    String runner = mapping.map(m -> "mapping " + m.path() + " (" + String.join(" ",
        m.scriptProcessor()) + ")").orElse(direct ? "its #! line" : "the interpreter "
        + command.argv().get(0));
    int problems = 0;
    for (Finding finding : ScriptInspection.inspect(file, path)) {
      boolean shebangOnly = finding.kind() == Finding.Kind.SHEBANG_CR
          || finding.kind() == Finding.Kind.SHEBANG_WINDOWS_PATH
          || finding.kind() == Finding.Kind.NOT_EXECUTABLE
          || finding.kind() == Finding.Kind.NOEXEC_MOUNT
          || finding.kind() == Finding.Kind.MISSING_INTERPRETER;
      if (shebangOnly && !direct) {
        out.println(file + ": note: " + finding.detail() + "; harmless here: " + runner
            + " runs it");
        continue;
      }
      String fix = finding.kind().cause().map(c -> " - fix: " + c.fix())
          .orElse(" - fix: chmod o-w " + finding.subject().orElse(file));
      out.println(file + ": " + finding.detail() + fix + " [runs with " + runner + "]");
      problems++;
    }
    return problems;
  }

  /**
   * Started as root, {@code serve} becomes {@code [server] run-as} and stops when that user does
   * not exist or cannot reach the document root or a mount: said here first.
   *
   * @return the problems found
   */
  private int runAs(GatewayConfig config) {
    String user = config.server().runAs();
    if (PosixLauncher.unsupportedReason().isPresent() || Privileges.uid() != 0
        || "root".equals(user)) {
      return 0;
    }
    Optional<Privileges.Identity> who = Privileges.lookup(user);
    if (who.isEmpty()) {
      out.println("[server] run-as: the user \"" + user + "\" does not exist; serve, started as "
          + "root, would stop");
      return 1;
    }
    int problems = 0;
    List<Path> dirs = new java.util.ArrayList<>();
    config.server().docroot().ifPresent(dirs::add);
    config.mounts().forEach(mount -> dirs.add(mount.dir()));
    for (Path dir : dirs) {
      if (Files.isDirectory(dir) && !RunAsAccess.reaches(who.get(), dir)) {
        out.println(dir + ": the run-as user \"" + user + "\" cannot read and search it (or a "
            + "directory above it); serve, started as root, would stop");
        problems++;
      }
    }
    return problems;
  }

  private int directory(Path dir) throws IOException {
    int problems = 0;
    try (Stream<Path> walk = Files.walk(dir, 8)) {
      for (Path d : walk.filter(Files::isDirectory).sorted().toList()) {
        if (Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_WRITE)) {
          out.println(d + ": the directory is world-writable: anyone can add or replace scripts "
              + "- fix: chmod o-w " + d);
          problems++;
        }
      }
    }
    return problems;
  }
}
