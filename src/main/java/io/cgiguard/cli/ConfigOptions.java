package io.cgiguard.cli;

import io.cgiguard.config.ConfigException;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.config.Installation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command that needs a configuration shares: {@code --config}, and
 * {@code --cgi-bin} which replaces the configured mounts with one mount at {@code /cgi-bin/}.
 */
final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: conf/cgiguard.toml of the installation when "
          + "present, else built-in defaults: no static files, no scripts).")
  Path config;

  @Option(names = "--cgi-bin", paramLabel = "DIR",
      description = "Serve the CGI programs in DIR at /cgi-bin/ instead of the configured mounts.")
  Path cgiBin;

  /**
   * @return the keys of the configuration these flags set instead of the file, each with its
   *     flag, so that a problem with the value names the flag
   */
  Map<String, String> flags() {
    return cgiBin == null ? Map.of() : Map.of("mount[0].dir", "--cgi-bin");
  }

  /** Loads the configuration the flags name, with {@code --cgi-bin} applied. */
  GatewayConfig load() throws ConfigException {
    return load(true);
  }

  /**
   * As {@link #load()}; a reload passes false for {@code readKeyMaterial}: it cannot apply a
   * change of certificate or key, and runs as a user that should not read them.
   */
  GatewayConfig load(boolean readKeyMaterial) throws ConfigException {
    ConfigLoader loader = new ConfigLoader(Installation.baseDirectory(), readKeyMaterial);
    GatewayConfig config;
    java.util.Optional<Path> installed = Installation.defaultConfig();
    if (this.config != null) {
      config = loader.load(this.config);
    } else if (installed.isPresent()) {
      config = loader.load(installed.get());
    } else {
      config = loader.defaults();
    }
    if (cgiBin != null) {
      GatewayConfig.Mount first = config.mounts().isEmpty() ? null : config.mounts().get(0);
      GatewayConfig.Mount mount = new GatewayConfig.Mount("/cgi-bin/",
          cgiBin.toAbsolutePath().normalize(),
          first != null && first.followSymlinksOutside(), first != null && first.passAuthorization(),
          first != null ? first.allowedMethods()
              : java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"),
          first != null ? first.handlers() : List.of());
      config = Configs.withMounts(config, List.of(mount));
    }
    return config;
  }
}
