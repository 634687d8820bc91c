package io.cgiguard.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, or {@code development} when run from classes. */
public final class Version implements CommandLine.IVersionProvider {

  /** @return the version of this build */
  public static String current() {
    return io.cgiguard.config.BuildInfo.version();
  }

  @Override
  public String[] getVersion() {
    return new String[] {"cgiguard " + current()};
  }
}
