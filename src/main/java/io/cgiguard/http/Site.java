package io.cgiguard.http;

import io.cgiguard.admission.Bulkhead;
import io.cgiguard.admission.CircuitBreakers;
import io.cgiguard.attempt.ScriptAttempts;
import io.cgiguard.config.BuildInfo;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.Launcher;
import io.cgiguard.observe.GatewayMetrics;
import io.cgiguard.observe.DashboardSnapshot;
import io.cgiguard.observe.Health;
import io.cgiguard.observe.RecentFailures;
import io.cgiguard.observe.StatusSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One configuration's view of the site, made whole before it serves: its mounts and handler
 * mappings, limits, timeouts, request filter, pages, static files and admin endpoints. Immutable;
 * a reload makes a new one and {@link SiteSwitch} swaps it in, while every request keeps the site
 * it started with, local redirects included.
 *
 * <p>What lives longer than one configuration is {@link Shared}: the launcher, the bulkhead, the
 * circuits and the metrics, so that a reload neither forgets a failing script nor resets a
 * counter.
 */
final class Site {

  private final GatewayConfig config;
  private final GatewayPages pages;
  private final GatewayHandler handler;
  /** Requests inside this site, plus one while it is the current site. */
  private final AtomicLong holds = new AtomicLong(1);
  private volatile Runnable onRetired = () -> {};

  private Site(GatewayConfig config, GatewayPages pages, GatewayHandler handler) {
    this.config = config;
    this.pages = pages;
    this.handler = handler;
  }

  /**
   * The parts every site of one gateway shares.
   *
   * @param reload re-reads the configuration, for the admin endpoint
   */
  record Shared(Launcher launcher, ScriptAttempts attempts, Bulkhead bulkhead,
      CircuitBreakers circuits, GatewayMetrics metrics, RecentFailures recentFailures,
      OutcomeLog outcomes, ScheduledExecutorService timers, ClientHangups hangups, Clock clock,
      Supplier<StatusSnapshot> status, Supplier<Health> health, Supplier<Reload> reload) {}

  /** Builds the whole site of {@code config}; it throws, and serves nothing, if any part fails. */
  static Site build(GatewayConfig config, Shared shared) throws IOException {
    GatewayPages pages = new GatewayPages(config.diagnostics(), config.server().localClients(),
        config.server().localHostNames());
    Optional<Path> docroot = config.server().docroot().isPresent()
        ? Optional.of(JettyAssembly.realDirectory(config.server().docroot().get()))
        : Optional.empty();
    GatewayParts parts = new GatewayParts(config, shared.launcher(), shared.attempts(),
        shared.bulkhead(), shared.circuits(), shared.metrics(), shared.recentFailures(),
        shared.outcomes(), pages, shared.timers(), shared.hangups(),
        config.environment().passedFrom(System.getenv()), docroot,
        "cgiguard/" + BuildInfo.version(), shared.clock());
    AdminHandler admin = new AdminHandler(config.admin().allowRemote(), shared.metrics(),
        shared.status(), shared.health(), shared.reload(), pages,
        () -> new DashboardSnapshot(shared.status().get(), shared.outcomes().live().view(),
            shared.outcomes().running().now(), config.concurrency().maxRunning(),
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
    return new Site(config, pages, handler);
  }

  GatewayConfig config() {
    return config;
  }

  /** @return the pages this site answers with, after its error mode and local clients */
  GatewayPages pages() {
    return pages;
  }

  GatewayHandler handler() {
    return handler;
  }

  /** @return whether the request may use this site; false once it has been retired and left */
  boolean enter() {
    long now;
    do {
      now = holds.get();
      if (now == 0) {
        return false;
      }
    } while (!holds.compareAndSet(now, now + 1));
    return true;
  }

  /** A request is done with this site. */
  void leave() {
    if (holds.decrementAndGet() == 0) {
      onRetired.run();
    }
  }

  /** No new request enters; {@code then} runs once the last one has left. */
  void retire(Runnable then) {
    this.onRetired = then;
    leave();
  }
}
