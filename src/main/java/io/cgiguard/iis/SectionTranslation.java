package io.cgiguard.iis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the sections cgiguard applies to the whole server, read as they are in effect at
 * the site's root: {@code cgi}, {@code httpErrors}, {@code requestFiltering},
 * {@code defaultDocument} and {@code isapiCgiRestriction}. Where IIS's schema has a default,
 * that default is translated too, so the imported server behaves as IIS did even for settings
 * the files never wrote.
 */
final class SectionTranslation {

  static final String CGI = "system.webServer/cgi";
  static final String HTTP_ERRORS = "system.webServer/httpErrors";
  static final String FILTERING = "system.webServer/security/requestFiltering";
  static final String DEFAULT_DOCUMENT = "system.webServer/defaultDocument";
  static final String RESTRICTION = "system.webServer/security/isapiCgiRestriction";

  private static final Pattern TIME_SPAN =
      Pattern.compile("(?:(\\d+)\\.)?(\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d{1,7}))?");

  /**
   * cgiguard's own {@code [request] denied-extensions} and {@code hidden-segments} defaults
   * (docs/configuration.md). Writing IIS's lists replaces them, so they are written too: an
   * import must not serve a {@code .git} or {@code .env} that cgiguard alone would hide.
   */
  static final List<String> DEFAULT_DENIED_EXTENSIONS =
      List.of(".bak", ".old", ".orig", ".swp", ".tmp", "~");
  static final List<String> DEFAULT_HIDDEN_SEGMENTS = List.of(".git", ".svn", ".hg", ".env",
      ".htaccess", ".htpasswd", "web.config");

  /** The one entry of allowed-programs when IIS allowed no CGI program: no program is it. */
  static final String NO_PROGRAM = "/dev/null";

  private final EffectiveConfig config;
  private final String location;
  private final Interpreters interpreters;
  private final Coverage coverage;
  private final Notes notes;

  SectionTranslation(EffectiveConfig config, String location, Interpreters interpreters,
      Coverage coverage, Notes notes) {
    this.config = config;
    this.location = location;
    this.interpreters = interpreters;
    this.coverage = coverage;
    this.notes = notes;
  }

  /** {@code cgi timeout}: IIS kills a CGI process after it (default 15 minutes). */
  Duration totalTimeout() {
    SectionValues cgi = config.attributes(location, CGI);
    String timeout = cgi.get("timeout", "00:15:00");
    Optional<Duration> parsed = timeSpan(timeout);
    if (parsed.isEmpty()) {
      notes.notTranslated(cgi.origin("timeout"), CGI + "@timeout", "'" + timeout
          + "' is not a .NET TimeSpan ([d.]hh:mm:ss[.fffffff])");
    }
    if (cgi.isSet("createCGIWithNewConsole")) {
      notes.notTranslated(cgi.origin("createCGIWithNewConsole"), CGI + "@createCGIWithNewConsole",
          "scripts get no console under cgiguard; stdin is the request body");
      cgi.get("createCGIWithNewConsole");
    }
    return parsed.orElse(null);
  }

  /** Why scripts run as {@code run-as}: IIS's createProcessAsUser has no single-user form. */
  String runAsReason() {
    SectionValues cgi = config.attributes(location, CGI);
    boolean asUser = Boolean.parseBoolean(cgi.get("createProcessAsUser", "true"));
    if (asUser) {
      if (cgi.isSet("createProcessAsUser")) {
        notes.notTranslated(cgi.origin("createProcessAsUser"), CGI + "@createProcessAsUser",
            "IIS ran each script as the authenticated user; cgiguard runs every script as "
                + "[server] run-as");
      }
      return "IIS ran CGI as the authenticated user (createProcessAsUser=true); cgiguard runs "
          + "every script as this one user";
    }
    return "IIS ran CGI as the worker process identity (createProcessAsUser=false)";
  }

  /** {@code httpErrors errorMode} to {@code [diagnostics] error-mode}. */
  String errorMode() {
    SectionValues errors = config.attributes(location, HTTP_ERRORS);
    String mode = errors.get("errorMode", "DetailedLocalOnly");
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "detailed":
        return "detailed";
      case "custom":
        // cgiguard's "custom" needs one custom-page, which IIS's per-status pages do not give;
        // the nearest mode that keeps details from remote clients is the safe translation.
        notes.notTranslated(errors.origin("errorMode"), HTTP_ERRORS + "@errorMode", "Custom "
            + "needs [diagnostics] custom-page; detailed-local-only keeps details from remote "
            + "clients until error-mode = \"custom\" and custom-page are set by hand");
        return "detailed-local-only";
      case "detailedlocalonly":
        return "detailed-local-only";
      default:
        notes.notTranslated(errors.origin("errorMode"), HTTP_ERRORS + "@errorMode", "unknown "
            + "mode '" + mode + "'; cgiguard's default detailed-local-only applies");
        return null;
    }
  }

  /**
   * {@code requestFiltering} to {@code [request]}, and {@code staticContent}: only the extensions
   * IIS would serve (a mimeMap) or run ({@code runExtensions}, those of the mappings written) are
   * allowed, as IIS answers 404.3 for any other file.
   *
   * @param runsWithoutExtension a mapping runs names with no fixed extension, so no extension
   *     can be refused
   */
  ImportedConfig.Request request(Set<String> runExtensions, boolean runsWithoutExtension)
      throws IisImportException {
    SectionValues limits = config.attributes(location, FILTERING + "/requestLimits");
    long maxBody = number(limits, "maxAllowedContentLength", 30_000_000L);
    long maxUrl = number(limits, "maxUrl", 4096);
    long maxQuery = number(limits, "maxQueryString", 2048);
    for (CollectionEntry header : config.collection(location,
        FILTERING + "/requestLimits/headerLimits", "header", true)) {
      coverage.useAll(header.element());
      notes.notTranslated(header.element(), null, "cgiguard limits the whole header block "
          + "([request] max-header-bytes), not single headers");
    }
    boolean allowUnlisted = Boolean.parseBoolean(
        config.attributes(location, FILTERING + "/fileExtensions").get("allowUnlisted", "true"));
    List<String> denied = new ArrayList<>();
    List<String> allowed = new ArrayList<>();
    for (CollectionEntry ext : config.collection(location, FILTERING + "/fileExtensions",
        "fileExtension", true)) {
      coverage.use(ext.element(), "allowed");
      boolean isAllowed = ext.get("allowed", "true").equalsIgnoreCase("true");
      (isAllowed ? allowed : denied).add(ext.key());
    }
    return new ImportedConfig.Request(maxUrl, maxQuery, maxBody,
        withDefaults(denied, DEFAULT_DENIED_EXTENSIONS),
        allowedExtensions(allowUnlisted ? null : allowed, runExtensions, runsWithoutExtension),
        withDefaults(keys(FILTERING + "/hiddenSegments", "segment"), DEFAULT_HIDDEN_SEGMENTS),
        keys(FILTERING + "/denyUrlSequences", "sequence"));
  }

  /**
   * What {@code [request] allowed-extensions} must hold: what IIS serves or runs, narrowed by
   * requestFiltering's own list ({@code filtered}, null when it allows unlisted extensions).
   * Never empty where IIS refused something, since an empty list allows every extension.
   */
  private List<String> allowedExtensions(List<String> filtered, Set<String> runExtensions,
      boolean runsWithoutExtension) throws IisImportException {
    Optional<List<String>> served =
        StaticContent.servedExtensions(config, location, coverage, notes);
    List<String> narrowed = filtered == null ? null
        : filtered.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
    if (served.isEmpty() || runsWithoutExtension) {
      return narrowed == null ? List.of() : narrowed;
    }
    Set<String> allowed = new LinkedHashSet<>(served.get());
    allowed.addAll(runExtensions);
    if (narrowed != null) {
      Set<String> servedOrRun = allowed;
      allowed = new LinkedHashSet<>(narrowed);
      allowed.retainAll(servedOrRun);
    }
    if (allowed.isEmpty()) {
      notes.notTranslated(location, StaticContent.SECTION, "IIS served no file with an "
          + "extension; allowed-extensions = [\".\"] refuses every name that has one (an empty "
          + "list would allow all)");
      return List.of(".");
    }
    return new ArrayList<>(allowed);
  }

  /** {@code defaultDocument} to {@code [server] index-files}; null when no file writes it. */
  List<String> indexFiles() throws IisImportException {
    boolean written = config.scopesAt(location).stream()
        .anyMatch(s -> EffectiveConfig.find(s.root(), DEFAULT_DOCUMENT).isPresent());
    if (!written) {
      return null;
    }
    boolean enabled = Boolean.parseBoolean(
        config.attributes(location, DEFAULT_DOCUMENT).get("enabled", "true"));
    List<String> files = keys(DEFAULT_DOCUMENT + "/files", "value", false);
    return enabled ? files : List.of();
  }

  /**
   * Why IIS's {@code isapiCgiRestriction} keeps a CGI mapping's {@code scriptProcessor} from
   * starting (IIS answers 404.2), or empty when it may start. An entry for the same command line
   * decides first (IIS lists CGI programs with their arguments, {@code perl.exe "%s" %s});
   * else any entry for the same program; else {@code notListedCgisAllowed} (default false). With
   * no restriction section in the input at all, every program may start.
   */
  Optional<String> cgiRefusal(String scriptProcessor) throws IisImportException {
    if (!restrictionWritten()) {
      return Optional.empty();
    }
    String command = commandKey(scriptProcessor);
    String program = ScriptProcessor.program(scriptProcessor).toLowerCase(Locale.ROOT);
    Boolean byProgram = null;
    for (CollectionEntry entry : config.collection(location, RESTRICTION, "path", true)) {
      boolean allowed = entry.get("allowed", "false").equalsIgnoreCase("true");
      if (commandKey(entry.key()).equals(command)) {
        return allowed ? Optional.empty() : Optional.of("isapiCgiRestriction lists it with "
            + "allowed=\"false\"");
      }
      if (ScriptProcessor.program(entry.key()).toLowerCase(Locale.ROOT).equals(program)) {
        byProgram = (byProgram != null && byProgram) || allowed;
      }
    }
    if (byProgram != null) {
      return byProgram ? Optional.empty() : Optional.of("isapiCgiRestriction lists its program "
          + "with allowed=\"false\"");
    }
    boolean notListed = Boolean.parseBoolean(config.attributes(location, RESTRICTION)
        .get("notListedCgisAllowed", "false"));
    return notListed ? Optional.empty() : Optional.of("isapiCgiRestriction does not list it, "
        + "and notListedCgisAllowed is false");
  }

  private static String commandKey(String commandLine) {
    return PathMap.expand(commandLine).trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private boolean restrictionWritten() {
    return config.scopesAt(location).stream()
        .anyMatch(s -> EffectiveConfig.find(s.root(), RESTRICTION).isPresent());
  }

  /**
   * {@code isapiCgiRestriction} to {@code [restrictions] allowed-programs}; null when IIS let
   * any CGI program run ({@code notListedCgisAllowed="true"}) or no file restricts them. Never
   * empty otherwise: an empty list lets every program start, so when IIS allowed none the list
   * is {@link #NO_PROGRAM}.
   */
  List<String> allowedPrograms() throws IisImportException {
    if (!restrictionWritten()) {
      return null;
    }
    SectionValues section = config.attributes(location, RESTRICTION);
    boolean anyCgi = Boolean.parseBoolean(section.get("notListedCgisAllowed", "false"));
    // ISAPI extensions never run under cgiguard, whichever way IIS allowed them.
    section.get("notListedIsapisAllowed");
    List<String> programs = new ArrayList<>();
    for (CollectionEntry entry : config.collection(location, RESTRICTION, "path", true)) {
      coverage.use(entry.element(), "allowed", "description", "groupId");
      String path = entry.key().trim();
      if (path.toLowerCase(Locale.ROOT).endsWith(".dll")) {
        notes.notTranslated(entry.element(), null, "an ISAPI extension; cgiguard runs CGI only");
      } else if (entry.get("allowed", "false").equalsIgnoreCase("true")) {
        String program = ScriptProcessor.program(path);
        Optional<String> linux = interpreters.linuxFor(program);
        if (linux.isPresent()) {
          if (!programs.contains(linux.get())) {
            programs.add(linux.get());
          }
        } else {
          notes.notTranslated(entry.element(), null, "no Linux program is known for " + program
              + "; give --interpreter or add it to allowed-programs by hand");
        }
      }
    }
    if (anyCgi) {
      return null;
    }
    if (programs.isEmpty()) {
      notes.notTranslated(section.origin("notListedCgisAllowed"), RESTRICTION, "IIS allowed no "
          + "CGI program at all; allowed-programs = [\"" + NO_PROGRAM + "\"] (no program) keeps "
          + "every program from starting, where an empty list would let all start");
      return List.of(NO_PROGRAM);
    }
    return programs;
  }

  /** IIS's entries, then cgiguard's defaults that IIS did not list (compared without case). */
  private static List<String> withDefaults(List<String> iis, List<String> defaults) {
    List<String> all = new ArrayList<>(iis);
    Set<String> lower = new java.util.HashSet<>();
    iis.forEach(v -> lower.add(v.toLowerCase(Locale.ROOT)));
    defaults.stream().filter(d -> !lower.contains(d.toLowerCase(Locale.ROOT))).forEach(all::add);
    return all;
  }

  private List<String> keys(String path, String key) throws IisImportException {
    return keys(path, key, true);
  }

  private List<String> keys(String path, String key, boolean append) throws IisImportException {
    List<String> keys = new ArrayList<>();
    for (CollectionEntry entry : config.collection(location, path, key, append)) {
      keys.add(entry.key());
    }
    return keys;
  }

  private long number(SectionValues values, String name, long schemaDefault) {
    String v = values.get(name, Long.toString(schemaDefault));
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      notes.notTranslated(values.origin(name), name, "'" + v + "' is not a number; the IIS "
          + "default " + schemaDefault + " applies");
      return schemaDefault;
    }
  }

  /** Parses a .NET TimeSpan, "[d.]hh:mm:ss[.fffffff]". */
  static Optional<Duration> timeSpan(String text) {
    Matcher m = TIME_SPAN.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    Duration d = Duration.ofDays(days).plusHours(Long.parseLong(m.group(2)))
        .plusMinutes(Long.parseLong(m.group(3))).plusSeconds(Long.parseLong(m.group(4)));
    if (m.group(5) != null) {
      String ticks = (m.group(5) + "0000000").substring(0, 7);
      d = d.plusNanos(Long.parseLong(ticks) * 100);
    }
    return Optional.of(d);
  }
}
