package io.cgiguard.http;

import io.cgiguard.config.ConfigException;
import io.cgiguard.config.ConfigProblem;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.config.ReloadCheck;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the configuration, validates all of it, builds the new {@link Site} and swaps it in;
 * a file with any problem is refused as a whole and the running site keeps serving. One reload at
 * a time; each is logged, a refusal with every problem at its file and line.
 */
final class Reloader {

  private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

  private final GatewayConfig started;
  private final SiteSwitch sites;
  private final Site.Shared shared;
  private final BooleanSupplier stopping;
  private volatile ConfigSource source;

  /**
   * @param started the configuration the process started with: what only a restart changes is
   *     compared with it, so a change waiting for a restart is reported at every reload
   */
  Reloader(GatewayConfig started, SiteSwitch sites, Site.Shared shared, BooleanSupplier stopping) {
    this.started = started;
    this.sites = sites;
    this.shared = shared;
    this.stopping = stopping;
    this.source = () -> {
      throw new ConfigException("(none)", List.of(new ConfigProblem("(file)", 0,
          "this gateway was given no configuration to re-read")));
    };
  }

  void readFrom(ConfigSource source) {
    this.source = source;
  }

  /** Reads the source again and applies it. */
  synchronized Reload reload() {
    if (stopping.getAsBoolean()) {
      return refused(List.of("the gateway is stopping"), true);
    }
    GatewayConfig next;
    try {
      next = source.read();
    } catch (ConfigException e) {
      return refused(lines(e), false);
    } catch (Exception e) {
      return refused(List.of("the configuration cannot be read: " + e.getMessage()), false);
    }
    return apply(next);
  }

  /** Applies {@code next}, already loaded, if everything it names is there. */
  synchronized Reload apply(GatewayConfig next) {
    String name = next.sourceName();
    try {
      ReloadCheck.requireDirectories(next, Map.of());
    } catch (ConfigException e) {
      return refused(lines(e), false);
    }
    Site site;
    try {
      site = Site.build(next, shared);
      sites.install(site);
    } catch (Exception e) {
      LOG.error("reload: the new configuration could not be put in place", e);
      return refused(List.of(name + ": " + e.getMessage()), false);
    }
    List<String> restart = ReloadCheck.restartNeeded(started, next);
    LOG.info("reload: {} applied; new requests see {} mount(s){}", name, next.mounts().size(),
        restart.isEmpty() ? "" : "; " + restart.size() + " change(s) wait for a restart");
    restart.forEach(line -> LOG.warn("reload: {} needs a restart; the running value stays", line));
    return new Reload.Applied(name, restart);
  }

  private static Reload refused(List<String> problems, boolean stopping) {
    problems.forEach(problem -> LOG.error("reload refused: {}", problem));
    LOG.error("reload refused: the running configuration keeps serving");
    return new Reload.Refused(problems, stopping);
  }

  private static List<String> lines(ConfigException e) {
    return Arrays.stream(Optional.ofNullable(e.getMessage()).orElse(e.file())
        .split("\\R")).toList();
  }
}
