package io.cgiguard.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.cgiguard.config.GatewayConfig.ErrorMode;
import io.cgiguard.failure.FailureKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a {@code cgiguard.toml} into a {@link GatewayConfig}. Every default of the gateway is
 * written here, once. Relative paths are resolved against {@code baseDir}: the installation
 * directory when it is known, else the directory the command was started from.
 */
public final class ConfigLoader {

  private static final TomlMapper TOML = new TomlMapper();
  private static final List<String> ALL_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
  private static final Set<String> FAILURE_LABELS = Set.copyOf(FailureKind.retryCurableLabels());

  private final Path baseDir;
  private final boolean readKeyMaterial;

  public ConfigLoader(Path baseDir) {
    this(baseDir, true);
  }

  /**
   * @param readKeyMaterial whether {@code [tls]}'s certificate and key are opened to be checked:
   *     not for a reload, which cannot apply a change to them (only a restart does), and which
   *     runs as the gateway's user, who rightly cannot read a root-only key
   */
  public ConfigLoader(Path baseDir, boolean readKeyMaterial) {
    this.baseDir = baseDir.toAbsolutePath().normalize();
    this.readKeyMaterial = readKeyMaterial;
  }

  /** @return the configuration in {@code file}; every problem in it at once otherwise */
  public GatewayConfig load(Path file) throws ConfigException {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw single(name, "no such file");
    } catch (java.nio.file.AccessDeniedException e) {
      throw single(name, "cannot be read: permission denied to uid "
          + new com.sun.security.auth.module.UnixSystem().getUid() + " (a gateway started as root"
          + " reads the file again as its run-as user on a reload: make it readable by that user,"
          + " or keep it root-only and restart to apply a change)");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw single(name, "is not UTF-8 text (TOML files are UTF-8)");
    } catch (IOException e) {
      throw single(name, "cannot be read: " + e);
    }
    return parse(name, Optional.of(file), text);
  }

  /** @return the built-in defaults, as if from an empty file */
  public GatewayConfig defaults() {
    try {
      return parse("(defaults)", Optional.empty(), "");
    } catch (ConfigException e) {
      throw new IllegalStateException("the built-in defaults do not validate: " + e.getMessage(), e);
    }
  }

  /** @return the configuration written in {@code text}, named {@code name} in messages */
  public GatewayConfig parse(String name, Optional<Path> source, String text)
      throws ConfigException {
    JsonNode root;
    try {
      root = TOML.readTree(text);
    } catch (JacksonException e) {
      throw new ConfigException(name, List.of(syntax(e, text)));
    }
    List<ConfigProblem> problems = new ArrayList<>();
    Table top = new Table("", root, new KeyLines(text), problems);
    GatewayConfig config = read(top, source);
    top.rejectUnknown();
    if (!problems.isEmpty()) {
      problems.sort((a, b) -> Integer.compare(a.line(), b.line()));
      throw new ConfigException(name, problems);
    }
    return config;
  }

  /**
   * The parser's own position is where it stopped reading: for a duplicate key, past the second
   * value and the blank lines and comments after it, so that key's line is looked up instead.
   */
  private static ConfigProblem syntax(JacksonException e, String text) {
    JsonLocation where = e.getLocation();
    int line = where == null ? 0 : where.getLineNr();
    String message = String.valueOf(e.getOriginalMessage());
    if (where != null && message.startsWith("Duplicate key")) {
      Optional<KeyLines.Repeat> repeat = new KeyLines(text).repeatBefore(line,
          where.getColumnNr());
      if (repeat.isPresent()) {
        return new ConfigProblem(repeat.get().key(), repeat.get().line(), "not valid TOML: "
            + "the key is set twice in one table (first on line " + repeat.get().firstLine()
            + ")");
      }
    }
    return new ConfigProblem("(syntax)", line, "not valid TOML: " + message);
  }

  private GatewayConfig read(Table top, Optional<Path> source) {
    Table serverTable = top.table("server");
    FrontDoor frontDoor = FrontDoorReader.read(serverTable, top.table("tls"), top.has("tls"),
        this::path, readKeyMaterial);
    GatewayConfig.Server server = server(serverTable);
    frontDoor.tls().filter(tls -> tls.port() != 0 && tls.port() == server.port())
        .ifPresent(tls -> top.table("tls").problem("port", "is [server] port too ("
            + tls.port() + "); HTTPS needs a port of its own"));
    // Only the mounts written here run scripts: without [[mount]] there are none.
    List<GatewayConfig.Mount> mounts = new ArrayList<>();
    Map<String, Integer> urls = new java.util.HashMap<>();
    for (Table mount : top.tables("mount")) {
      GatewayConfig.Mount read = mount(mount);
      Integer first = urls.putIfAbsent(read.url(), mounts.size());
      if (first != null) {
        // The longest prefix wins and two are equally long: one directory would never answer.
        mount.problem("url", read.url() + " is mounted already by mount[" + first + "]; a URL is "
            + "answered by one directory only");
      }
      mounts.add(read);
    }
    Map<String, List<String>> interpreters = top.listMap("interpreters",
        Map.of(".pl", List.of("perl"), ".py", List.of("python3"), ".sh", List.of("sh")));
    return new GatewayConfig(source, server, mounts, interpreters,
        environment(top.table("environment")), restrictions(top.table("restrictions")),
        arguments(top.table("arguments")), timeouts(top.table("timeouts")),
        limits(top.table("limits")), concurrency(top.table("concurrency")),
        retry(top.table("retry")), circuit(top.table("circuit")), request(top.table("request")),
        response(top.table("response")), diagnostics(top.table("diagnostics")),
        admin(top.table("admin")), SiteSettings.read(top.table("static"), top.table("iis-compat")),
        frontDoor, FastCgiSection.read(top.table("fastcgi")));
  }

  private GatewayConfig.Server server(Table t) {
    var server = new GatewayConfig.Server(bindAddress(t),
        t.integer("port", 8080, 0, 65535),
        t.has("docroot") ? Optional.of(path(t.string("docroot", ""))) : Optional.empty(),
        t.strings("index-files", List.of("index.html")), t.string("run-as", "nobody"),
        t.duration("idle-timeout", "30s"), t.duration("header-read-timeout", "10s"),
        t.integer("max-threads", 400, 16, 10_000),
        t.integer("max-connections", 1024, 1, 1_000_000), ranges(t, "local-clients",
            List.of("127.0.0.0/8", "::1/128")), hostNames(t, "local-host-names"),
        new GatewayConfig.Drain(t.duration("drain-delay", "5s"),
            t.duration("drain-timeout", "30s")));
    t.rejectUnknown();
    return server;
  }

  /**
   * {@code [server] bind}: an IP address, or a name that resolves now; anything else would pass
   * a check and then fail only when the gateway starts to listen.
   */
  private static String bindAddress(Table t) {
    String bind = t.string("bind", "127.0.0.1").strip();
    if (bind.isEmpty() || com.google.common.net.InetAddresses.isInetAddress(bind)) {
      return bind;
    }
    if (bind.matches("[0-9.]+") || bind.startsWith("[") || bind.contains(":")) {
      t.problem("bind", "\"" + bind + "\" is not an IP address (IPv6 is written without brackets,"
          + " such as ::1)");
      return bind;
    }
    try {
      java.net.InetAddress.getByName(bind);
    } catch (java.net.UnknownHostException e) {
      t.problem("bind", "\"" + bind + "\" does not resolve to an address");
    }
    return bind;
  }

  /**
   * Host names, lower-cased without a trailing dot; {@code "*"} for any. A name with a port, a
   * scheme or a character no host name has is a problem.
   */
  static List<String> hostNames(Table t, String key) {
    List<String> out = new ArrayList<>();
    for (String text : t.strings(key, List.of())) {
      String name = text.strip().toLowerCase(java.util.Locale.ROOT);
      if (name.endsWith(".")) {
        name = name.substring(0, name.length() - 1);
      }
      if (name.equals("*") || name.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
          + "(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
        out.add(name);
      } else {
        t.problem(key, "\"" + text + "\" is not a host name (a name only: no port, no scheme, "
            + "no path), nor \"*\" for any");
      }
    }
    return List.copyOf(out);
  }

  static List<AddressRange> ranges(Table t, String key, List<String> fallback) {
    List<AddressRange> out = new ArrayList<>();
    for (String text : t.strings(key, fallback)) {
      try {
        out.add(AddressRange.parse(text));
      } catch (IllegalArgumentException e) {
        t.problem(key, e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private GatewayConfig.Mount mount(Table t) {
    String url = t.string("url", "/cgi-bin/");
    if (!url.startsWith("/")) {
      t.problem("url", "must start with / (got '" + url + "')");
    }
    if (!url.endsWith("/")) {
      url = url + "/";
    }
    if (!t.has("dir")) {
      t.problem("dir", "is required: the directory of the scripts");
    }
    List<GatewayConfig.HandlerMapping> handlers = new ArrayList<>();
    for (Table h : t.tables("handler")) {
      handlers.add(handler(h));
    }
    var mount = new GatewayConfig.Mount(url, path(t.string("dir", "webapp/cgi-bin")),
        t.bool("follow-symlinks-outside", false), t.bool("pass-authorization", false),
        methods(t, "allowed-methods", ALL_METHODS), handlers, SiteSettings.mapped(t));
    t.rejectUnknown();
    return mount;
  }

  private GatewayConfig.HandlerMapping handler(Table t) {
    String pattern = t.string("path", "");
    if (pattern.isBlank() || pattern.contains("/")) {
      t.problem("path", "must be a file name pattern such as \"*.pl\" or \"gitweb.cgi\"");
    }
    List<String> processor = ScriptProcessors.split(t.string("script-processor", ""));
    if (!processor.isEmpty()) {
      ScriptProcessors.check(processor).ifPresent(why -> t.problem("script-processor", why));
    }
    var handler = new GatewayConfig.HandlerMapping(pattern, processor, methods(t, "verbs", List.of()),
        t.bool("retry-body", false), t.optionalDuration("header-timeout"),
        t.optionalDuration("body-idle-timeout"), t.optionalDuration("total-timeout"));
    t.rejectUnknown();
    return handler;
  }

  private Set<String> methods(Table t, String key, List<String> fallback) {
    Set<String> out = new LinkedHashSet<>();
    for (String method : t.strings(key, fallback)) {
      if (!method.matches("[A-Za-z]+")) {
        t.problem(key, "'" + method + "' is not an HTTP method");
      }
      out.add(method.toUpperCase(Locale.ROOT));
    }
    return out;
  }

  private GatewayConfig.Environment environment(Table t) {
    var env = new GatewayConfig.Environment(
        t.strings("pass", List.of("PATH", "LANG", "LC_ALL", "TZ")), t.stringMap("set"),
        t.bool("neutralise-shellshock", true));
    t.rejectUnknown();
    return env;
  }

  private GatewayConfig.Restrictions restrictions(Table t) {
    List<Path> programs = new ArrayList<>();
    for (String program : t.strings("allowed-programs", List.of())) {
      if (!program.startsWith("/")) {
        t.problem("allowed-programs", "'" + program + "' must be an absolute path");
      }
      programs.add(Path.of(program));
    }
    t.rejectUnknown();
    return new GatewayConfig.Restrictions(List.copyOf(programs));
  }

  private GatewayConfig.Arguments arguments(Table t) {
    boolean enabled = t.bool("search-queries", false);
    String allow = t.string("allow", "^[A-Za-z0-9._-]+$");
    Pattern pattern = Pattern.compile("^[A-Za-z0-9._-]+$");
    try {
      pattern = Pattern.compile(allow);
    } catch (PatternSyntaxException e) {
      t.problem("allow", "is not a regular expression: " + e.getDescription());
    }
    t.rejectUnknown();
    return new GatewayConfig.Arguments(enabled, pattern);
  }

  private GatewayConfig.Timeouts timeouts(Table t) {
    var timeouts = new GatewayConfig.Timeouts(t.duration("header", "30s"),
        t.duration("body-idle", "60s"), t.duration("total", "10m"), t.duration("linger", "1s"),
        t.duration("kill-grace", "2s"));
    t.rejectUnknown();
    return timeouts;
  }

  private GatewayConfig.Limits limits(Table t) {
    var limits = new GatewayConfig.Limits(t.duration("cpu", "60s"),
        t.bytes("address-space", "2GiB", 16L << 20, Long.MAX_VALUE),
        t.integer("open-files", 1024, 16, 1 << 20),
        t.bytes("file-size", "1GiB", 0, Long.MAX_VALUE), t.bytes("core-size", "0B", 0, Long.MAX_VALUE),
        (int) t.bytes("max-header-bytes", "64KiB", 1024, 16L << 20),
        (int) t.bytes("stderr-tail", "8KiB", 0, 1L << 20));
    t.rejectUnknown();
    return limits;
  }

  private GatewayConfig.Concurrency concurrency(Table t) {
    int maxRunning = t.integer("max-running", 64, 1, 100_000);
    int perScript = t.integer("max-per-script", 16, 1, 100_000);
    if (perScript > maxRunning) {
      t.problem("max-per-script", "must not exceed max-running (" + maxRunning + ")");
    }
    var c = new GatewayConfig.Concurrency(maxRunning, perScript, t.integer("queue", 256, 0, 1_000_000),
        t.duration("queue-wait", "10s"));
    t.rejectUnknown();
    return c;
  }

  private GatewayConfig.Retry retry(Table t) {
    Set<String> kinds = new LinkedHashSet<>(t.strings("kinds", List.of("spawn-failed",
        "exited-before-headers", "killed-before-headers", "incomplete-headers")));
    for (String kind : kinds) {
      if (!FAILURE_LABELS.contains(kind)) {
        t.problem("kinds", "'" + kind + "' is not a failure kind a retry can cure; choose from "
            + String.join(", ", new java.util.TreeSet<>(FAILURE_LABELS)));
      }
    }
    var retry = new GatewayConfig.Retry(t.integer("attempts", 3, 1, 10),
        t.duration("backoff", "50ms"), t.duration("max-backoff", "1s"), t.duration("deadline", "30s"),
        methods(t, "methods", List.of("GET", "HEAD", "OPTIONS")), kinds,
        (int) t.bytes("replay-buffer", "64KiB", 0, 64L << 20));
    t.rejectUnknown();
    return retry;
  }

  private GatewayConfig.Circuit circuit(Table t) {
    int window = t.integer("window", 20, 1, 10_000);
    var circuit = new GatewayConfig.Circuit(window, t.integer("min-requests", 10, 1, window),
        t.decimal("failure-ratio", 0.5, 0.01, 1.0), t.duration("open-for", "10s"));
    t.rejectUnknown();
    return circuit;
  }

  private GatewayConfig.RequestFiltering request(Table t) {
    var request = new GatewayConfig.RequestFiltering(
        t.integer("max-url-length", 8192, 64, 1 << 20),
        t.integer("max-query-length", 4096, 0, 1 << 20),
        t.integer("max-header-count", 100, 8, 10_000),
        (int) t.bytes("max-header-bytes", "16KiB", 1024, 1L << 20),
        t.bytes("max-body-size", "1GiB", 0, Long.MAX_VALUE),
        lower(t.strings("denied-extensions", List.of(".bak", ".old", ".orig", ".swp", ".tmp", "~"))),
        lower(t.strings("hidden-segments", List.of(".git", ".svn", ".hg", ".env", ".htaccess",
            ".htpasswd", "web.config"))),
        lower(t.strings("allowed-extensions", List.of())),
        t.strings("deny-url-sequences", List.of()));
    t.rejectUnknown();
    return request;
  }

  private GatewayConfig.ResponsePolicy response(Table t) {
    var response = new GatewayConfig.ResponsePolicy(
        t.string("default-content-type", "application/octet-stream"),
        t.integer("max-local-redirects", 5, 0, 20));
    t.rejectUnknown();
    return response;
  }

  private GatewayConfig.Diagnostics diagnostics(Table t) {
    String mode = t.string("error-mode", "detailed-local-only");
    ErrorMode errorMode = ErrorMode.DETAILED_LOCAL_ONLY;
    Map<String, ErrorMode> known = new LinkedHashMap<>();
    for (ErrorMode m : ErrorMode.values()) {
      known.put(m.label(), m);
    }
    if (known.containsKey(mode)) {
      errorMode = known.get(mode);
    } else {
      t.problem("error-mode", "must be one of " + String.join(", ", known.keySet())
          + " (got '" + mode + "')");
    }
    Optional<Path> page = t.has("custom-page") ? Optional.of(path(t.string("custom-page", "")))
        : Optional.empty();
    if (errorMode == ErrorMode.CUSTOM && page.isEmpty()) {
      t.problem("custom-page", "is required when error-mode is \"custom\"");
    }
    page.filter(p -> !Files.isReadable(p))
        .ifPresent(p -> t.problem("custom-page", "cannot read " + p));
    t.rejectUnknown();
    return new GatewayConfig.Diagnostics(errorMode, page);
  }

  private GatewayConfig.Admin admin(Table t) {
    var admin = new GatewayConfig.Admin(t.bool("allow-remote", false));
    t.rejectUnknown();
    return admin;
  }

  private static List<String> lower(List<String> values) {
    return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
  }

  private Path path(String text) {
    return baseDir.resolve(text).normalize();
  }

  private static ConfigException single(String file, String message) {
    return new ConfigException(file, List.of(new ConfigProblem("(file)", 0, message)));
  }
}
