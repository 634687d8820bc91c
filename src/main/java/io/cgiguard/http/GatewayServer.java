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
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Assembles one gateway from its configuration: the Jetty server and connector, the guard's
 * bulkhead and circuits, metrics and status, and the handler tree. Jetty's mutable setters stay in
 * this class and {@link JettyAssembly}.
 */
public final class GatewayServer implements AutoCloseable {

  private final GatewayConfig config;
  private final Launcher launcher;
  private final ClientHangups hangups;
  private final Server server;
  private final ScheduledExecutorService timers;
  private final ExecutorService pumps;
  private final GatewayMetrics metrics;
  private final SiteSwitch sites;
  private final Reloader reloader;
  private final GracefulRequests graceful;
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
    ProcessShortage shortage = new ProcessShortage(bulkhead,
        errno -> Capacity.read().shortage(errno), clock, Duration.ofSeconds(1));
    Supplier<CapacityView> capacity = CapacityViews.of(bulkhead, shortage);
    metrics.registerCapacity(capacity);
    ScriptAttempts attempts = new ScriptAttempts(launcher, bulkhead, circuits, timers, pumps, clock,
        new SecureRandom(), outcomes, shortage);
    StatusSource status = new StatusSource(clock, io.cgiguard.config.BuildInfo.version(),
        launcherView(launcher), sources, () -> circuitViews(circuits), metrics, recent, capacity);
    this.hangups = ClientHangups.open();
    Site.Shared shared = new Site.Shared(launcher, attempts, bulkhead, circuits, metrics, recent,
        outcomes, timers, hangups, clock, status, this::health, this::reload);
    try {
      this.sites = new SiteSwitch(Site.build(config, shared));
    } catch (IOException | RuntimeException e) {
      // A site that cannot be built (a mount directory gone) leaves no watcher thread behind.
      hangups.close();
      throw e;
    }
    this.reloader = new Reloader(config, sites, shared, () -> stopping);
    this.graceful = new GracefulRequests(sites);
    this.server = JettyAssembly.server(config.server(), config.request(), config.concurrency(),
        ResponseHeadLimit.bufferBytes(config.limits().maxHeaderBytes()), graceful);
    server.setErrorHandler(new GatewayErrorHandler(() -> sites.current().pages()));
    this.frontDoor = FrontDoorAssembly.apply(server, config.frontDoor());
    limitConnections(server, config.server().maxConnections());
    this.fastCgi = FastCgiScripts.listener(server, config,
        () -> sites.current().config().fastcgi().allowedClients());
  }

  /**
   * {@code [server] max-connections} over the HTTP and HTTPS listeners together (FastCGI has its
   * own). Each open connection costs heap and a descriptor whether or not it sends anything: a
   * client opening thousands of connections and never finishing a request head would otherwise
   * exhaust the heap of the shipped JVM options long before {@code header-read-timeout} closes
   * them. At the limit the listeners stop accepting, and new connections wait in the listen queue
   * until one closes.
   */
  private static void limitConnections(Server server, int maxConnections) {
    List<org.eclipse.jetty.server.Connector> http = new ArrayList<>();
    for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector tcp && !"fastcgi".equals(tcp.getName())) {
        http.add(tcp);
      }
    }
    if (!http.isEmpty()) {
      server.addBean(new NetworkConnectionLimit(maxConnections,
          http.toArray(org.eclipse.jetty.server.Connector[]::new)));
    }
  }

  /**
   * Starts listening. A listener that cannot listen, for whatever reason, is a {@link
   * BindException} naming it, its address and the reason: each is opened here, before Jetty
   * starts, so that a failure is known to be that listener's and not another's.
   */
  public void start() throws Exception {
    try {
      if (fastCgi.isPresent()) {
        fastCgi.get().prepare();
      }
      openHttpListeners();
      server.start();
      if (fastCgi.isPresent()) {
        fastCgi.get().secureSocket();
        fastCgi.get().sayWhoMayConnect();
      }
    } catch (IOException e) {
      // Before the stop, which takes the failed connector's state with it.
      Optional<String> fastCgiFailure = fastCgi.flatMap(f -> f.listenFailure(e));
      server.stop();
      closeListeners();
      if (e.getMessage() != null && e.getMessage().startsWith("cannot ")) {
        throw e;
      }
      if (fastCgiFailure.isPresent()) {
        throw new BindException(fastCgiFailure.get());
      }
      throw e;
    }
  }

  /** Opens the HTTP and the HTTPS listener, the ones Jetty would open without naming them. */
  private void openHttpListeners() throws BindException {
    for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector tcp && !"fastcgi".equals(tcp.getName())) {
        String host = tcp.getHost() == null ? "0.0.0.0" : tcp.getHost();
        try {
          tcp.open();
        } catch (IOException e) {
          throw ListenFailure.of(frontDoor.isTls(tcp) ? "HTTPS" : "",
              ListenFailure.address(host, tcp.getPort()), tcp.getPort(), e);
        }
      }
    }
  }

  /** After a failed start: Jetty's stop closes only the listeners it started. */
  private void closeListeners() {
    for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector tcp) {
        tcp.close();
      }
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

  /** @return the timers of watchdog rounds, queue expiries and delayed kills, for the tests */
  ScheduledExecutorService timers() {
    return timers;
  }

  /** @return what counts the running requests and ends a drain's last step */
  GracefulRequests requests() {
    return graceful;
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

  /** Reloads re-read {@code source} (the file the gateway started with, and its flags). */
  public void reloadFrom(ConfigSource source) {
    reloader.readFrom(source);
  }

  /**
   * Re-reads the configuration ({@code SIGHUP}, {@code POST /-/reload}): new requests see its
   * mounts, mappings, limits and timeouts, requests in flight finish on the ones they started
   * with; a configuration with any problem is refused and the running one stays.
   */
  public Reload reload() {
    return reloader.reload();
  }

  /** Applies {@code next}, already loaded, as a reload would. */
  public Reload reload(GatewayConfig next) {
    return reloader.apply(next);
  }

  /**
   * Stops without losing a request ({@code SIGTERM}): {@code /-/health} answers 503 at once,
   * responses close their connections, the listener closes after {@code [server] drain-delay},
   * running requests get {@code drain-timeout} to finish, then scripts still running are killed.
   * Returns once the gateway has stopped.
   */
  public void drain() {
    stopping = true;
    sites.closeConnections();
    fastCgi.ifPresent(FastCgiListener::closeConnectionsAfterAnswers);
    GatewayConfig now = sites.current().config();
    new Draining(server, graceful, launcher, fastCgi.stream().toList())
        .run(now.server().drain(), now.timeouts().killGrace());
    close();
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
    hangups.close();
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
