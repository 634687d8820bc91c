package io.cgiguard.cli;

import io.cgiguard.config.GatewayConfig;
import io.cgiguard.http.GatewayServer;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import io.cgiguard.launch.posix.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

  @Override
  public Integer call() throws Exception {
    GatewayConfig config = effectiveConfig();
    checkDirectories(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Launcher launcher = Launchers.create();
    GatewayServer server = new GatewayServer(config, launcher);
    try {
      server.start();
      dropPrivileges(config.server().runAs());
    } catch (Exception e) {
      server.close();
      launcher.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      launcher.close();
      stopped.countDown();
    }, "cgiguard-shutdown"));
    System.out.println("cgiguard listening on " + server.uri());
    System.out.flush();
    stopped.await();
    return 0;
  }

  /**
   * Leaves root once the ports are bound, before the URL is printed and so before any client
   * that waits for it can send a request; a drop that fails stops the gateway.
   */
  private static void dropPrivileges(String runAs) {
    Privileges.Outcome outcome = Privileges.drop(runAs);
    if (outcome instanceof Privileges.Refused refused) {
      throw new UsageException(refused.reason());
    } else if (outcome instanceof Privileges.Dropped dropped) {
      LOG.info("dropped root: serving and running scripts as {} (uid {}, gid {})",
          dropped.user(), dropped.uid(), dropped.gid());
    } else if (outcome instanceof Privileges.KeptRoot) {
      LOG.warn("run-as = \"root\": the gateway and every script it runs keep root privileges");
    } else if (outcome instanceof Privileges.Unprivileged unprivileged) {
      LOG.info("not started as root: scripts run as the current user (uid {}); run-as = \"{}\""
          + " applies only to a gateway started as root", unprivileged.uid(), runAs);
    }
  }

  GatewayConfig effectiveConfig() throws Exception {
    GatewayConfig config = configOptions.load();
    GatewayConfig.Server s = config.server();
    if (port != null && (port < 0 || port > 65535)) {
      throw new UsageException("--port must be from 0 to 65535 (got " + port + ")");
    }
    return Configs.withServer(config, new GatewayConfig.Server(bind != null ? bind : s.bind(),
        port != null ? port : s.port(),
        docroot != null ? docroot.toAbsolutePath().normalize() : s.docroot(), s.indexFiles(),
        s.runAs(), s.idleTimeout(), s.headerReadTimeout(), s.maxThreads(), s.localClients()));
  }

  private static void checkDirectories(GatewayConfig config) {
    for (GatewayConfig.Mount mount : config.mounts()) {
      if (!Files.isDirectory(mount.dir())) {
        throw new UsageException("the CGI directory " + mount.dir() + " for " + mount.url()
            + " does not exist or is not a directory");
      }
    }
    if (!Files.isDirectory(config.server().docroot())) {
      throw new UsageException("the document root " + config.server().docroot()
          + " does not exist or is not a directory");
    }
  }
}
