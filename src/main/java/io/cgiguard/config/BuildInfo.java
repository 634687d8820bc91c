package io.cgiguard.config;

/** What this build of cgiguard calls itself, from the jar's manifest. */
public final class BuildInfo {

  private BuildInfo() {}

  /** @return the version of this build, or {@code development} when run from classes */
  public static String version() {
    String version = BuildInfo.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
