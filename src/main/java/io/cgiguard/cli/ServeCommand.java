package io.cgiguard.cli;

import io.cgiguard.capacity.Capacity;
import io.cgiguard.capacity.CapacityPlan;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.config.ReloadCheck;
import io.cgiguard.http.GatewayServer;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import io.cgiguard.launch.posix.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code cgiguard serve}: runs the gateway until it is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve static files and CGI programs through the guarded launcher.")
public final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--port", paramLabel = "P", description = "Port to listen on (0: any free port).")
  Integer port;

  @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on.")
  String bind;

  @Option(names = "--docroot", paramLabel = "DIR", description = "Directory of static files.")
  Path docroot;

  @Option(names = "--run-as", paramLabel = "USER",
      description = "When started as root, run as USER once the ports are bound (default: nobody).")
  String runAs;

  @Mixin TlsOptions tlsOptions = new TlsOptions();

  @Option(names = "--fastcgi", paramLabel = "ADDR", description = "Also listen for FastCGI from "
      + "a front server such as nginx: unix:/path or host:port.")
  String fastcgi;

  @Option(names = "--fastcgi-only", description = "Listen for FastCGI only, not HTTP.")
  boolean fastcgiOnly;

  @Override
  public Integer call() throws Exception {
    GatewayConfig config = effectiveConfig();
    CountDownLatch stopped = new CountDownLatch(1);
    Launcher launcher = Launchers.create();
    Started started = start(config, launcher, stopped);
    GatewayServer server = started.server();
    dropPrivileges(config.server().runAs(), server, launcher);
    checkReadableAfterDrop(config, server, launcher);
    new CapacityPlan(config.concurrency().maxRunning(), 0).warnings(Capacity.read())
        .forEach(warning -> LOG.warn("capacity: {}", warning));
    AtomicBoolean closed = new AtomicBoolean();
    Runnable close = () -> {
      if (closed.compareAndSet(false, true)) {
        server.close();
        launcher.close();
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      close.run();
      stopped.countDown();
    }, "cgiguard-shutdown"));
    // A reload runs as the run-as user, and cannot apply a new certificate or key anyway.
    started.lifecycle().install(() -> effectiveConfig(false), close);
    Launchers.announce(launcher);
    LOG.info("SIGHUP reloads, SIGTERM drains, SIGINT stops at once, SIGUSR1 reopens the access "
        + "log; {}", Signals.how());
    if (server.port() >= 0) {
      System.out.println("cgiguard listening on " + server.uri()
          + server.tlsPort().map(p -> " and https port " + p).orElse(""));
    }
    server.fastCgi().ifPresent(f -> System.out.println("cgiguard FastCGI on " + f.address()));
    System.out.flush();
    io.cgiguard.launch.posix.SystemdNotify.notify("READY=1\nSTATUS=listening on " + server.uri())
        .ifPresent(why -> LOG.warn("cannot tell systemd the gateway is ready: {}", why));
    stopped.await();
    return 0;
  }

  /** The started gateway, and the threads that wait for the operator's signals. */
  private record Started(GatewayServer server, Lifecycle lifecycle) {}

  /**
   * Makes and starts the gateway. Every thread it needs is made here, the signals' own among
   * them, so a machine that cannot give it them stops serve with one line naming the limit, not
   * a stack trace.
   */
  private static Started start(GatewayConfig config, Launcher launcher, CountDownLatch stopped)
      throws Exception {
    GatewayServer server = null;
    try {
      server = new GatewayServer(config, launcher);
      server.start();
      return new Started(server, new Lifecycle(server, stopped));
    } catch (Exception | OutOfMemoryError e) {
      // Read while the threads made so far still hold their tasks, so the limit shows as reached.
      boolean noThread = e instanceof OutOfMemoryError && e.getMessage() != null
          && e.getMessage().contains("unable to create native thread");
      String shortage = noThread ? Capacity.read().shortage("EAGAIN") : "";
      if (server != null) {
        server.close();
      }
      launcher.close();
      if (noThread) {
        GatewayConfig.Concurrency concurrency = config.concurrency();
        throw new UsageException("cannot make the gateway's " + CapacityPlan.gatewayThreads(
            config.server().maxThreads(), concurrency.maxRunning())
            + " threads: " + shortage + "; lower [concurrency] max-running or [server] "
            + "max-threads, or raise the limit (`cgiguard check` compares them)");
      }
      throw e;
    }
  }

  /** After the port is bound: root becomes run-as, so that no script runs as root by accident. */
  private static void dropPrivileges(String runAs, GatewayServer server, Launcher launcher) {
    Privileges.Outcome outcome;
    try {
      outcome = RunAsUser.become(runAs, "[server] run-as or --run-as");
    } catch (RuntimeException e) {
      server.close();
      launcher.close();
      throw e;
    }
    if (outcome instanceof Privileges.Outcome.Dropped d) {
      LOG.info("running as {} (uid {}, gid {})", d.user(), d.uid(), d.gid());
    } else if (outcome instanceof Privileges.Outcome.KeptRoot) {
      LOG.warn("run-as = \"root\": the gateway and every script it starts run as root");
    } else if (outcome instanceof Privileges.Outcome.NotRoot n) {
      LOG.info("not started as root: scripts run as the current user (uid {})", n.uid());
    }
  }

  /**
   * After a drop from root, the run-as user must be able to reach the docroot and every mount:
   * a repository cloned under root's home (mode 700) would otherwise serve nothing but 404s and
   * spawn failures, and say so only request by request.
   */
  private static void checkReadableAfterDrop(GatewayConfig config, GatewayServer server,
      Launcher launcher) {
    java.util.List<Path> dirs = new java.util.ArrayList<>();
    config.server().docroot().ifPresent(dirs::add);
    config.mounts().forEach(mount -> dirs.add(mount.dir()));
    for (Path dir : dirs) {
      if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
        server.close();
        launcher.close();
        throw new UsageException("the run-as user \"" + config.server().runAs()
            + "\" cannot read " + dir + " (nor every directory above it): make them readable "
            + "and searchable for that user, or choose another [server] run-as");
      }
    }
  }

  GatewayConfig effectiveConfig() throws Exception {
    return effectiveConfig(true);
  }

  private GatewayConfig effectiveConfig(boolean readKeyMaterial) throws Exception {
    GatewayConfig config = configOptions.load(readKeyMaterial);
    GatewayConfig.Server s = config.server();
    if (port != null && (port < 0 || port > 65535)) {
      throw new UsageException("--port must be from 0 to 65535 (got " + port + ")");
    }
    if (runAs != null && runAs.isBlank()) {
      throw new UsageException("--run-as needs a user name");
    }
    config = tlsOptions.apply(config);
    config = FastCgiOptions.apply(config, fastcgi, fastcgiOnly);
    config = Configs.withServer(config, new GatewayConfig.Server(bind != null ? bind : s.bind(),
        port != null ? port : s.port(),
        docroot != null ? java.util.Optional.of(docroot.toAbsolutePath().normalize())
            : s.docroot(), s.indexFiles(),
        runAs != null ? runAs : s.runAs(), s.idleTimeout(), s.headerReadTimeout(), s.maxThreads(),
        s.maxConnections(), s.localClients(), s.localHostNames(), s.drain()));
    // A missing directory is named where it was set: at its line, or by its flag. A reload
    // reads the configuration here too.
    Map<String, String> flags = new HashMap<>(configOptions.flags());
    if (docroot != null) {
      flags.put("server.docroot", "--docroot");
    }
    ReloadCheck.requireDirectories(config, flags);
    return config;
  }
}
