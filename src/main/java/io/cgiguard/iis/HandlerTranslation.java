package io.cgiguard.iis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * Turns the effective {@code system.webServer/handlers} of each virtual directory (and of each
 * folder that changes them), the site root included, into a mapped {@code [[mount]]} with its
 * {@code [[mount.handler]]} entries: the files they match run, the others are static, as in IIS.
 * Only {@code CgiModule} mappings translate; every other handler is listed with its reason.
 */
final class HandlerTranslation {

  static final String HANDLERS = "system.webServer/handlers";
  static final String VERBS = "system.webServer/security/requestFiltering/verbs";
  /** cgiguard's default allowed-methods, which IIS's verbs filtering narrows. */
  static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

  private final EffectiveConfig config;
  private final IisSite site;
  private final PathMap pathMap;
  private final Interpreters interpreters;
  private final Coverage coverage;
  private final Notes notes;
  private boolean argumentsRequested;
  private final Set<String> scriptExtensions = new LinkedHashSet<>();
  private final Set<String> runExtensions = new LinkedHashSet<>();
  private boolean runsWithoutExtension;

  /** IIS's isapiCgiRestriction: why a scriptProcessor may not start, or empty. */
  interface CgiRestriction {
    Optional<String> refusal(String scriptProcessor) throws IisImportException;
  }

  private final CgiRestriction restriction;

  HandlerTranslation(EffectiveConfig config, IisSite site, PathMap pathMap,
      Interpreters interpreters, CgiRestriction restriction, Coverage coverage, Notes notes) {
    this.restriction = restriction;
    this.config = config;
    this.site = site;
    this.pathMap = pathMap;
    this.interpreters = interpreters;
    this.coverage = coverage;
    this.notes = notes;
  }

  /** Whether some translated handler used IIS's second {@code %s}. */
  boolean argumentsRequested() {
    return argumentsRequested;
  }

  /**
   * The extensions of every CGI mapping met, run or not: a file one of them would run must never
   * be served as its source, also where IIS's accessPolicy disables the mapping.
   */
  Set<String> scriptExtensions() {
    return scriptExtensions;
  }

  /** The extensions of the mappings written: files that run, so requests must reach them. */
  Set<String> runExtensions() {
    return runExtensions;
  }

  /** Whether a mapping written matches names with no fixed extension ("*", "*.p?"). */
  boolean runsWithoutExtension() {
    return runsWithoutExtension;
  }

  List<ImportedConfig.Mount> mounts() throws IisImportException {
    List<ImportedConfig.Mount> mounts = new ArrayList<>();
    for (String url : candidateUrls()) {
      String location = ConfigScope.join(site.name(), url);
      if (namesAFile(url)) {
        // A mount needs a directory; the settings of the location stay unmarked, so each is
        // listed too.
        notes.notTranslated(site.name(), "<location path=\"" + location + "\">", "it names "
            + "one file, and cgiguard's mounts and mappings apply to folders: its settings are "
            + "not applied to " + url);
        continue;
      }
      AccessPolicy policy = AccessPolicy.parse(config.attributes(location, HANDLERS)
          .get("accessPolicy", AccessPolicy.SHIPPED));
      List<ImportedConfig.Handler> handlers = new ArrayList<>();
      for (CollectionEntry entry : config.collection(location, HANDLERS, "name", false)) {
        if (entry.get("modules", "").equalsIgnoreCase("CgiModule")) {
          extensionOf(entry.get("path", "*")).ifPresent(scriptExtensions::add);
          Optional<String> disabled = policy.disables(entry.get("requireAccess", "Script"));
          if (disabled.isPresent()) {
            // IIS does not run it here: writing it would run what IIS refused to.
            coverage.useAll(entry.element());
            notes.notTranslated(entry.element(), null, "IIS disables it at " + url + ": "
                + disabled.get() + "; not written for that folder, whose files it matches stay "
                + "unrun and are never served as source");
            continue;
          }
        }
        translate(entry).ifPresent(handlers::add);
      }
      if (handlers.isEmpty() && !belowAMount(url, mounts) && !elsewhere(url)) {
        // Nothing runs here, and no mount above would run anything: the docroot serves it.
        continue;
      }
      // A mapped mount runs only what its mappings match and serves every other file, as IIS
      // does; a folder whose mappings were removed becomes a mount with none, all static.
      Optional<String> dir = directoryOf(url);
      if (dir.isEmpty()) {
        notes.leftOut(site.name(), "mount " + url, "no --path-map covers its physical path "
            + physicalPathOf(url).orElse("(none)"));
        continue;
      }
      String mountUrl = url.endsWith("/") ? url : url + "/";
      mounts.add(new ImportedConfig.Mount(mountUrl, dir.get(), allowedMethods(location),
          handlers));
    }
    // Most specific first, so that a gateway taking the first matching prefix still picks
    // the folder's own mappings.
    mounts.sort(Comparator.comparingInt((ImportedConfig.Mount m) -> -m.url().length())
        .thenComparing(ImportedConfig.Mount::url));
    return mounts;
  }

  /** ".pl" for "*.pl" or "report.pl"; empty for a pattern with no fixed extension ("*"). */
  static Optional<String> extensionOf(String pattern) {
    int dot = pattern.lastIndexOf('.');
    if (dot < 0 || dot == pattern.length() - 1) {
      return Optional.empty();
    }
    String extension = pattern.substring(dot).toLowerCase(Locale.ROOT);
    return extension.matches("\\.[^*?/\\\\]+") ? Optional.of(extension) : Optional.empty();
  }

  /**
   * Whether a {@code <location>} (not a virtual directory) names a file, as IIS allows
   * ({@code <location path="Site/app/report.pl">}): its path is a file here, or, absent, its
   * last segment has an extension.
   */
  private boolean namesAFile(String url) {
    if (isVirtualDirectory(url)) {
      return false;
    }
    Optional<String> dir = directoryOf(url);
    if (dir.isPresent() && Files.isRegularFile(Path.of(dir.get()))) {
      return true;
    }
    boolean absent = dir.isEmpty() || !Files.exists(Path.of(dir.get()));
    String last = url.substring(url.lastIndexOf('/') + 1);
    return absent && extensionOf(last).isPresent();
  }

  /**
   * Whether a virtual directory's files lie elsewhere than where its parent's physical path
   * leads ({@code /static} on {@code E:\static}): the docroot does not hold them, so even with
   * nothing to run it needs a mount of its own, all static.
   */
  private boolean elsewhere(String url) {
    if (!isVirtualDirectory(url) || ConfigScope.normalise(url).isEmpty()) {
      return false;
    }
    String parent = "/" + ConfigScope.normalise(url).replaceFirst("/?[^/]+$", "");
    Optional<String> own = physicalPathOf(url);
    Optional<String> inherited = physicalPathOf(parent).map(p -> p.replaceAll("[\\\\/]+$", "")
        + "\\" + ConfigScope.normalise(url).replaceFirst(".*/", ""));
    if (own.isEmpty() || inherited.isEmpty()) {
      return own.isPresent();
    }
    Optional<String> ownDir = pathMap.translate(own.get());
    return ownDir.isEmpty() || !ownDir.equals(pathMap.translate(inherited.get()));
  }

  private boolean isVirtualDirectory(String url) {
    for (IisSite.Application app : site.applications()) {
      for (IisSite.VirtualDirectory dir : app.virtualDirectories()) {
        if (ConfigScope.normalise(IisSite.urlPath(app, dir))
            .equalsIgnoreCase(ConfigScope.normalise(url))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a mount already made covers the folder, so its mappings would reach it. */
  private static boolean belowAMount(String url, List<ImportedConfig.Mount> mounts) {
    String folder = url.endsWith("/") ? url : url + "/";
    return mounts.stream().anyMatch(m -> folder.startsWith(m.url()) && !folder.equals(m.url()));
  }

  /** Virtual directories, then folders whose scopes write handlers, each once. */
  private Set<String> candidateUrls() {
    Set<String> urls = new LinkedHashSet<>();
    for (IisSite.Application app : site.applications()) {
      for (IisSite.VirtualDirectory dir : app.virtualDirectories()) {
        urls.add(IisSite.urlPath(app, dir));
      }
    }
    List<String> folders = new ArrayList<>();
    for (ConfigScope scope : config.scopes()) {
      String l = scope.location();
      boolean inSite = ConfigScope.covers(site.name(), l) && !l.isEmpty();
      if (inSite && EffectiveConfig.find(scope.root(), HANDLERS).isPresent()) {
        folders.add("/" + l.substring(Math.min(l.length(), site.name().length() + 1)));
      }
    }
    folders.stream().sorted().forEach(urls::add);
    return urls;
  }

  private Optional<ImportedConfig.Handler> translate(CollectionEntry entry)
      throws IisImportException {
    Element e = entry.element();
    String modules = entry.get("modules", "");
    if (!modules.equalsIgnoreCase("CgiModule")) {
      coverage.useAll(e);
      notes.notTranslated(e, null, "module " + (modules.isEmpty() ? "(none)" : modules)
          + " is not supported; cgiguard runs CGI programs only (CgiModule)");
      return Optional.empty();
    }
    String template = entry.get("scriptProcessor", "").trim();
    if (template.isEmpty()) {
      coverage.useAll(e);
      notes.notTranslated(e, null, "a CgiModule mapping without scriptProcessor runs Windows "
          + "executables directly, which cannot run on Linux");
      return Optional.empty();
    }
    String path = entry.get("path", "*");
    if (path.contains("/") || path.contains("\\")) {
      coverage.useAll(e);
      notes.notTranslated(e, "path", "'" + path + "' names a folder; cgiguard mappings match "
          + "file names only (use a <location> for the folder instead)");
      return Optional.empty();
    }
    ScriptProcessor parsed = ScriptProcessor.parse(template, path);
    if (parsed instanceof ScriptProcessor.Refused refused) {
      coverage.useAll(e);
      notes.refused(e, "scriptProcessor '" + template + "': " + refused.reason());
      return Optional.empty();
    }
    ScriptProcessor.Accepted accepted = (ScriptProcessor.Accepted) parsed;
    Optional<String> linux = interpreters.linuxFor(accepted.windowsProgram());
    if (linux.isEmpty()) {
      coverage.useAll(e);
      notes.notTranslated(e, "scriptProcessor", "no Linux interpreter is known for "
          + accepted.windowsProgram() + "; give --interpreter "
          + ScriptProcessor.baseName(accepted.windowsProgram()) + "=/path/to/interpreter");
      return Optional.empty();
    }
    Optional<String> refused = restriction.refusal(template);
    if (refused.isPresent()) {
      // IIS would answer 404.2 for every file it matches: writing it would run them.
      coverage.useAll(e);
      notes.notTranslated(e, "scriptProcessor", "IIS does not start '" + template + "' (404.2): "
          + refused.get() + "; the mapping is not written");
      return Optional.empty();
    }
    coverage.use(e, "name", "path", "verb", "modules", "scriptProcessor", "requireAccess");
    judgeDetails(e);
    argumentsRequested |= accepted.wantsArguments();
    Optional<String> extension = extensionOf(path);
    extension.ifPresent(runExtensions::add);
    runsWithoutExtension |= extension.isEmpty();
    String processor = linux.get() + " %s" + (accepted.wantsArguments() ? " %s" : "");
    return Optional.of(new ImportedConfig.Handler(entry.get("name", ""), path,
        verbs(entry.get("verb", "*")), processor, template));
  }

  /** Attributes whose IIS meaning cgiguard matches are marked; the others are listed. */
  private void judgeDetails(Element e) {
    String resourceType = e.getAttribute("resourceType");
    if (resourceType.isEmpty() || resourceType.equalsIgnoreCase("File")
        || resourceType.equalsIgnoreCase("Either")) {
      coverage.use(e, "resourceType");
    } else {
      notes.notTranslated(e, "resourceType", "cgiguard runs only files that exist ("
          + resourceType + " has no equivalent)");
      coverage.use(e, "resourceType");
    }
    if (e.getAttribute("allowPathInfo").equalsIgnoreCase("true")) {
      coverage.use(e, "allowPathInfo");
    } else if (e.hasAttribute("allowPathInfo")) {
      notes.notTranslated(e, "allowPathInfo", "cgiguard always splits PATH_INFO from the script "
          + "name (RFC 3875 section 4.1.5)");
      coverage.use(e, "allowPathInfo");
    }
    if (e.hasAttribute("preCondition")) {
      notes.notTranslated(e, "preCondition", "Windows pre-conditions (bitness, runtime "
          + "version) have no meaning on Linux");
      coverage.use(e, "preCondition");
    }
  }

  private static List<String> verbs(String verb) {
    if (verb.trim().equals("*")) {
      return List.of();
    }
    List<String> verbs = new ArrayList<>();
    for (String v : verb.split(",")) {
      if (!v.isBlank()) {
        verbs.add(v.trim().toUpperCase(Locale.ROOT));
      }
    }
    return verbs;
  }

  /** requestFiltering's verbs narrow the methods a mount accepts. */
  private List<String> allowedMethods(String location) throws IisImportException {
    boolean allowUnlisted =
        Boolean.parseBoolean(config.attributes(location, VERBS).get("allowUnlisted", "true"));
    List<CollectionEntry> listed = config.collection(location, VERBS, "verb", true);
    for (CollectionEntry entry : listed) {
      coverage.use(entry.element(), "allowed");
    }
    List<String> methods = new ArrayList<>();
    if (allowUnlisted) {
      for (String m : METHODS) {
        boolean denied = listed.stream().anyMatch(v -> v.key().equalsIgnoreCase(m)
            && v.get("allowed", "true").equalsIgnoreCase("false"));
        if (!denied) {
          methods.add(m);
        }
      }
    } else {
      listed.stream().filter(v -> v.get("allowed", "true").equalsIgnoreCase("true"))
          .forEach(v -> methods.add(v.key().toUpperCase(Locale.ROOT)));
    }
    return methods;
  }

  /** The Linux directory for a URL path: its virtual directory's, plus the rest of the path. */
  private Optional<String> directoryOf(String url) {
    return physicalPathOf(url).flatMap(pathMap::translate);
  }

  private Optional<String> physicalPathOf(String url) {
    IisSite.VirtualDirectory best = null;
    String bestUrl = "";
    for (IisSite.Application app : site.applications()) {
      for (IisSite.VirtualDirectory dir : app.virtualDirectories()) {
        String u = IisSite.urlPath(app, dir);
        if (ConfigScope.covers(u, url) && (best == null || u.length() > bestUrl.length())) {
          best = dir;
          bestUrl = u;
        }
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    String rest = ConfigScope.normalise(url).substring(ConfigScope.normalise(bestUrl).length());
    String physical = best.physicalPath();
    return Optional.of(rest.isEmpty() ? physical
        : physical.replaceAll("[\\\\/]+$", "") + "\\" + ConfigScope.normalise(rest)
            .replace('/', '\\'));
  }
}
