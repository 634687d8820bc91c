package io.cgiguard.iis;

import java.time.Duration;
import java.util.List;

/**
 * Writes an {@link ImportedConfig} as {@code cgiguard.toml} text: the keys in the order of the
 * shipped {@code conf/cgiguard.toml}, and, as comments at the top, every setting that was not
 * translated or was refused, with its reason. The same input always gives the same text.
 */
public final class TomlConfigWriter {

  private final StringBuilder out = new StringBuilder();

  private TomlConfigWriter() {}

  /** The whole configuration file. */
  public static String write(ImportedConfig config, List<String> sources) {
    TomlConfigWriter w = new TomlConfigWriter();
    w.header(config, sources);
    w.server(config.server());
    for (ImportedConfig.Mount mount : config.mounts()) {
      w.mount(mount);
    }
    w.rest(config);
    return w.out.toString();
  }

  private void header(ImportedConfig config, List<String> sources) {
    comment("cgiguard configuration imported from IIS by `cgiguard import-iis`.");
    comment("Site: " + config.site());
    for (String source : sources) {
      comment("Source: " + source);
    }
    comment("Keys not written here keep cgiguard's defaults (see conf/cgiguard.toml).");
    notes("Refused", config.refused());
    notes("Left out", config.leftOut());
    notes("Not translated", config.notTranslated());
    out.append('\n');
  }

  private void notes(String title, List<ImportedConfig.Note> notes) {
    if (notes.isEmpty()) {
      return;
    }
    comment("");
    comment(title + " (" + notes.size() + "):");
    for (ImportedConfig.Note note : notes) {
      comment("- " + note);
    }
  }

  private void server(ImportedConfig.Server s) {
    out.append("[server]\n");
    if (s.bind() != null) {
      key("bind", quote(s.bind()));
    }
    if (s.port() != null) {
      key("port", s.port().toString());
    }
    if (s.docroot() != null) {
      key("docroot", quote(s.docroot()));
    }
    if (s.indexFiles() != null) {
      key("index-files", list(s.indexFiles()));
    }
    comment(s.runAsReason());
    key("run-as", quote(s.runAs()));
    out.append('\n');
  }

  private void mount(ImportedConfig.Mount m) {
    out.append("[[mount]]\n");
    key("url", quote(m.url()));
    key("dir", quote(m.dir()));
    comment("As in IIS: files a handler below matches run, every other file is static.");
    key("execution", quote("mapped"));
    key("allowed-methods", list(m.allowedMethods()));
    out.append('\n');
    for (ImportedConfig.Handler h : m.handlers()) {
      comment("IIS handler \"" + h.name() + "\": scriptProcessor " + h.iisScriptProcessor());
      out.append("[[mount.handler]]\n");
      key("path", quote(h.path()));
      key("script-processor", quote(h.scriptProcessor()));
      if (!h.verbs().isEmpty()) {
        key("verbs", list(h.verbs()));
      }
      out.append('\n');
    }
  }

  private void rest(ImportedConfig c) {
    if (c.allowedPrograms() != null) {
      out.append("[restrictions]\n");
      comment(c.allowedPrograms().equals(List.of("/dev/null"))
          ? "From isapiCgiRestriction, which allowed no CGI program: /dev/null is none, so no "
              + "program may be started."
          : "From isapiCgiRestriction: only these programs may be started.");
      key("allowed-programs", list(c.allowedPrograms()));
      out.append('\n');
    }
    if (c.argumentsRequested()) {
      out.append("[arguments]\n");
      comment("An IIS scriptProcessor passed query words as arguments (a second %s). cgiguard");
      comment("keeps this off: enable it only after checking what the scripts do with argv.");
      key("search-queries", "false");
      out.append('\n');
    }
    if (c.totalTimeout() != null) {
      out.append("[timeouts]\n");
      key("total", quote(duration(c.totalTimeout())) + "    # system.webServer/cgi timeout");
      out.append('\n');
    }
    ImportedConfig.Request r = c.request();
    out.append("[request]\n");
    key("max-url-length", Long.toString(r.maxUrlLength()));
    key("max-query-length", Long.toString(r.maxQueryLength()));
    key("max-body-size", quote(size(r.maxBodyBytes())));
    comment("IIS's lists, then cgiguard's defaults, which stay in force.");
    key("denied-extensions", list(r.deniedExtensions()));
    if (!r.allowedExtensions().isEmpty()) {
      comment("What IIS served (a mimeMap; any other file got 404.3) or ran (a CGI mapping).");
    }
    key("allowed-extensions", list(r.allowedExtensions()));
    key("hidden-segments", list(r.hiddenSegments()));
    key("deny-url-sequences", list(r.denyUrlSequences()));
    if (c.errorMode() != null) {
      out.append('\n').append("[diagnostics]\n");
      key("error-mode", quote(c.errorMode()));
    }
    if (c.refuseExtensions() != null) {
      out.append('\n').append("[static]\n");
      comment("A file an IIS CGI mapping matches is never served as its source, also where");
      comment("IIS's accessPolicy kept the mapping from running.");
      key("refuse-extensions", list(c.refuseExtensions()));
    }
    out.append('\n').append("[iis-compat]\n");
    comment("IIS's case-insensitive paths and its CGI server variables (URL, APPL_MD_PATH, ...).");
    key("enabled", "true");
    key("site-id", Integer.toString(c.iisCompat().siteId()));
    key("applications", list(c.iisCompat().applications()));
  }

  private void key(String key, String value) {
    out.append(key).append(" = ").append(value).append('\n');
  }

  private void comment(String text) {
    // A comment ends at the line break, so one in the input must not end it early.
    String oneLine = text.replace("\r", " ").replace("\n", " ");
    out.append(oneLine.isEmpty() ? "#" : "# " + oneLine).append('\n');
  }

  static String list(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
    }
    return b.append(']').toString();
  }

  /** A TOML basic string. */
  static String quote(String value) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04X", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** The largest unit that divides exactly: "15m", "90s", "1500ms". */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** The largest binary unit that divides exactly: "1GiB", "30000000B". */
  static String size(long bytes) {
    String[] units = {"GiB", "MiB", "KiB"};
    long[] factors = {1L << 30, 1L << 20, 1L << 10};
    for (int i = 0; i < units.length; i++) {
      if (bytes > 0 && bytes % factors[i] == 0) {
        return bytes / factors[i] + units[i];
      }
    }
    return bytes + "B";
  }
}
