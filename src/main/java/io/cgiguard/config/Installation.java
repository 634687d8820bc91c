package io.cgiguard.config;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Where cgiguard is installed: the directory that holds {@code bin/}, {@code conf/} and the jar
 * (in {@code lib/}, or {@code target/} in a build tree). Like Apache's {@code ServerRoot}, it is
 * what the default configuration and relative paths in any configuration are resolved against, so
 * that a command means the same whatever directory it is started from.
 */
public final class Installation {

  /** Set by {@code bin/cgiguard}; wins over what the jar's location suggests. */
  public static final String HOME_PROPERTY = "cgiguard.home";

  /** The configuration used when none is named, relative to the installation. */
  public static final Path DEFAULT_CONFIG = Path.of("conf", "cgiguard.toml");

  private Installation() {}

  /** @return the installation directory, when the property or the jar's location tells it */
  public static Optional<Path> home() {
    String property = System.getProperty(HOME_PROPERTY);
    if (property != null && !property.isBlank()) {
      return Optional.of(Path.of(property).toAbsolutePath().normalize());
    }
    return fromCodeSource();
  }

  /** @return the directory relative paths of a configuration are resolved against */
  public static Path baseDirectory() {
    return home().orElse(Path.of("").toAbsolutePath());
  }

  /** @return {@code conf/cgiguard.toml} of the installation, when there is one */
  public static Optional<Path> defaultConfig() {
    return home().map(h -> h.resolve(DEFAULT_CONFIG)).filter(Files::isRegularFile);
  }

  private static Optional<Path> fromCodeSource() {
    CodeSource source = Installation.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    Path location;
    try {
      location = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
    // A jar lives in lib/ (a distribution) or target/ (a build); classes in target/classes.
    Path dir = Files.isDirectory(location) ? location : location.getParent();
    if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("classes")) {
      dir = dir.getParent();
    }
    if (dir != null && dir.getFileName() != null
        && (dir.getFileName().toString().equals("lib")
            || dir.getFileName().toString().equals("target"))) {
      dir = dir.getParent();
    }
    return Optional.ofNullable(dir);
  }
}
