package io.cgiguard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads what decides, for a site, which files run and which are served: a mount's
 * {@code execution}, the {@code [static]} table and the {@code [iis-compat]} table.
 */
final class SiteSettings {

  private SiteSettings() {}

  /** {@code [[mount]] execution}: "directory" (the default) or "mapped". */
  static boolean mapped(Table mount) {
    String execution = mount.string("execution", "directory");
    return switch (execution) {
      case "mapped" -> true;
      case "directory" -> false;
      default -> {
        mount.problem("execution", "must be \"directory\" (every file is a program) or "
            + "\"mapped\" (files a handler mapping matches run, the others are static) (got '"
            + execution + "')");
        yield false;
      }
    };
  }

  static GatewayConfig.Site read(Table statics, Table iis) {
    boolean executable = statics.bool("refuse-executable", true);
    List<String> extensions = new ArrayList<>();
    for (String extension : statics.strings("refuse-extensions",
        GatewayConfig.Site.SCRIPT_EXTENSIONS)) {
      if (!extension.startsWith(".") || extension.length() < 2 || extension.contains("/")) {
        statics.problem("refuse-extensions", "'" + extension + "' is not an extension such as "
            + "\".pl\"");
      }
      extensions.add(extension.toLowerCase(Locale.ROOT));
    }
    statics.rejectUnknown();
    boolean enabled = iis.bool("enabled", false);
    boolean caseInsensitive = iis.bool("case-insensitive", true);
    int siteId = iis.integer("site-id", 1, 1, Integer.MAX_VALUE);
    List<String> applications = new ArrayList<>(List.of("/"));
    for (String application : iis.strings("applications", List.of())) {
      if (!application.startsWith("/") || application.contains("//")) {
        iis.problem("applications", "'" + application + "' must be a URL path such as \"/app\"");
        continue;
      }
      String trimmed = application.length() > 1 && application.endsWith("/")
          ? application.substring(0, application.length() - 1) : application;
      if (!applications.contains(trimmed)) {
        applications.add(trimmed);
      }
    }
    iis.rejectUnknown();
    return new GatewayConfig.Site(executable, extensions,
        new GatewayConfig.IisCompat(enabled, enabled && caseInsensitive, siteId, applications));
  }
}
