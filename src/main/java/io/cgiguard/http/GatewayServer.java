package io.cgiguard.http;

import io.cgiguard.admission.Bulkhead;
import io.cgiguard.admission.CircuitBreakers;
import io.cgiguard.admission.ProcessShortage;
import io.cgiguard.attempt.ScriptAttempts;
import io.cgiguard.capacity.Capacity;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.ResourceLimits;
import io.cgiguard.observe.CapacityView;
import io.cgiguard.observe.CircuitState;
import io.cgiguard.observe.CircuitView;
import io.cgiguard.observe.DashboardSnapshot;
import io.cgiguard.observe.GatewayMetrics;
import io.cgiguard.observe.Health;
import io.cgiguard.observe.LauncherView;
import io.cgiguard.observe.MetricSources;
import io.cgiguard.observe.RecentFailures;
import io.cgiguard.observe.StatusSource;
import io.cgiguard.plan.ScriptPlans;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Assembles one gateway from its configuration: the Jetty server and connector, the guard's
 * bulkhead and circuits, metrics and status, and the handler tree. Jetty's mutable setters stay in
 * this class and {@link JettyAssembly}.
 */
public final class GatewayServer implements AutoCloseable {

  private final GatewayConfig config;
  private final Launcher launcher;
  private final Server server;
  private final ScheduledExecutorService timers;
  private final ExecutorService pumps;
  private final GatewayMetrics metrics;
  private final FrontDoorAssembly frontDoor;
  private final Optional<FastCgiListener> fastCgi;
  private volatile boolean stopping;

  public GatewayServer(GatewayConfig config, Launcher launcher) throws IOException {
    this(config, launcher, Clock.systemUTC());
  }

  public GatewayServer(GatewayConfig config, Launcher launcher, Clock clock) throws IOException {
    this.config = config;
    this.launcher = launcher;
    this.timers = ThreadBudget.timers();
    this.pumps = ThreadBudget.pumps(config.concurrency().maxRunning());
    Bulkhead bulkhead = new Bulkhead(ScriptPlans.bulkhead(config));
    CircuitBreakers circuits = new CircuitBreakers(ScriptPlans.circuit(config), clock);
    MetricSources sources = new MetricSources(bulkhead::running, bulkhead::queued,
        () -> CircuitView.states(circuitViews(circuits)));
    this.metrics = new GatewayMetrics(sources);
    RecentFailures recent = new RecentFailures();
    OutcomeLog outcomes = new OutcomeLog(metrics, recent, clock);
    GatewayPages pages = new GatewayPages(config.diagnostics(), config.server().localClients());
    ProcessShortage shortage = new ProcessShortage(bulkhead,
        errno -> Capacity.read().shortage(errno), clock, Duration.ofSeconds(1));
    Supplier<CapacityView> capacity = CapacityViews.of(bulkhead, shortage);
    metrics.registerCapacity(capacity);
    ScriptAttempts attempts = new ScriptAttempts(launcher, bulkhead, circuits, timers, pumps, clock,
        new SecureRandom(), outcomes, shortage);
    Optional<Path> docroot = config.server().docroot().isPresent()
        ? Optional.of(JettyAssembly.realDirectory(config.server().docroot().get()))
        : Optional.empty();
    GatewayParts parts = new GatewayParts(config, launcher, attempts, bulkhead, circuits, metrics,
        recent, outcomes, pages, timers, config.environment().passedFrom(System.getenv()), docroot,
        "cgiguard/" + io.cgiguard.config.BuildInfo.version(), clock);
    StatusSource status = new StatusSource(clock, io.cgiguard.config.BuildInfo.version(),
        launcherView(launcher), sources, () -> circuitViews(circuits), metrics, recent, capacity);
    AdminHandler admin = new AdminHandler(config.admin().allowRemote(), metrics, status,
        this::health, pages, () -> new DashboardSnapshot(status.get(), outcomes.live().view(),
            outcomes.running().now(), config.concurrency().maxRunning(),
            config.concurrency().maxPerScript(), config.concurrency().queue()));
    List<Path> mountDirs = new ArrayList<>();
    for (GatewayConfig.Mount mount : config.mounts()) {
      mountDirs.add(JettyAssembly.realDirectory(mount.dir()));
    }
    List<Path> staticBases = new ArrayList<>(docroot.stream().toList());
    for (int i = 0; i < config.mounts().size(); i++) {
      if (config.mounts().get(i).mapped()) {
        staticBases.add(mountDirs.get(i));
      }
    }
    StaticFiles statics = new StaticFiles(staticBases, config, mountDirs, pages);
    GatewayHandler handler = new GatewayHandler(new RequestFilter(config.request()), pages, admin,
        statics, docroot.map(d -> new DocrootFiles(d, config, statics, pages)),
        config.response().maxLocalRedirects());
    MountFiles files = new MountFiles(statics, new SiteMap(config, mountDirs, docroot), config);
    List<CgiHandler> cgi = new ArrayList<>();
    for (int i = 0; i < config.mounts().size(); i++) {
      cgi.add(new CgiHandler(config.mounts().get(i), mountDirs.get(i), parts, handler, files));
    }
    handler.mount(cgi);
    if (config.fastcgi().scriptFrom() == GatewayConfig.ScriptFrom.PARAMS) {
      handler.nameScripts(FastCgiScripts.named(config, parts, handler, files));
    }
    this.server = JettyAssembly.server(config.server(), config.request(), config.concurrency(),
        ResponseHeadLimit.bufferBytes(config.limits().maxHeaderBytes()), handler);
    server.setErrorHandler(new GatewayErrorHandler(pages));
    this.frontDoor = FrontDoorAssembly.apply(server, config.frontDoor());
    this.fastCgi = FastCgiScripts.listener(server, config);
  }

  /** Starts listening; a port in use is a {@link BindException} naming the address. */
  public void start() throws Exception {
    try {
      if (fastCgi.isPresent()) {
        fastCgi.get().prepare();
      }
      server.start();
      if (fastCgi.isPresent()) {
        fastCgi.get().secureSocket();
      }
    } catch (IOException e) {
      server.stop();
      if (e.getMessage() != null && e.getMessage().startsWith("cannot ")) {
        throw e;
      }
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new BindException("cannot listen on " + config.server().bind() + ":"
            + config.server().port() + ": the address is already in use");
      }
      throw e;
    }
  }

  /** @return the HTTP port the gateway listens on (the real one when configured as 0) */
  public int port() {
    for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector http && !"fastcgi".equals(http.getName())) {
        return http.getLocalPort();
      }
    }
    return -1;
  }

  /** @return the FastCGI listener, when one is configured; drainable for a graceful stop */
  public Optional<FastCgiListener> fastCgi() {
    return fastCgi;
  }

  /** @return the TLS port (the real one when configured as 0), when {@code [tls]} is set */
  public Optional<Integer> tlsPort() {
    return frontDoor.tlsPort();
  }

  /** Opens the access log file again by its name, as logrotate expects after moving it. */
  public void reopenAccessLog() throws IOException {
    frontDoor.reopenAccessLog();
  }

  /** @return the gateway's base URL */
  public URI uri() {
    String host = config.server().bind();
    if (host.contains(":")) {
      host = "[" + host + "]";
    } else if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** @return the gateway's metrics, for the tests and tools that run it in-process */
  public GatewayMetrics metrics() {
    return metrics;
  }

  private Health health() {
    if (stopping || !server.isRunning()) {
      return Health.unhealthy("stopping");
    }
    return Health.healthy("accepting work with the " + launcher.name() + " launcher");
  }

  @Override
  public void close() {
    stopping = true;
    try {
      server.stop();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(GatewayServer.class).warn("stopping Jetty failed", e);
    }
    timers.shutdownNow();
    pumps.shutdownNow();
    try {
      frontDoor.close();
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(GatewayServer.class).warn("closing the access log failed",
          e);
    }
  }

  private static List<CircuitView> circuitViews(CircuitBreakers circuits) {
    List<CircuitView> views = new ArrayList<>();
    circuits.snapshot().forEach((script, snap) -> views.add(new CircuitView(script,
        CircuitState.parse(snap.state().label()), snap.failures(), snap.outcomes())));
    return views;
  }

  private static LauncherView launcherView(Launcher launcher) {
    EnumSet<ResourceLimits.Kind> enforced = EnumSet.noneOf(ResourceLimits.Kind.class);
    enforced.addAll(launcher.enforcedLimits());
    List<String> on = new ArrayList<>();
    List<String> off = new ArrayList<>();
    for (ResourceLimits.Kind kind : ResourceLimits.Kind.values()) {
      String label = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
      (enforced.contains(kind) ? on : off).add(label);
    }
    return new LauncherView(launcher.name(), on, off);
  }
}
