package io.cgiguard.iis;

import io.cgiguard.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The import as one call: parse every file, find the site and the scopes, translate, and list
 * what is left. {@code applicationHost.config} must be among the files; each {@code web.config}
 * applies to the folder it sits in, found by matching its directory against the site's physical
 * paths as translated by {@code --path-map}.
 */
public final class IisImport {

  /**
   * What the command line adds to the files.
   *
   * @param pathMap Windows prefix to Linux prefix
   * @param interpreters Windows program (path or name) to Linux program
   * @param site the site to import, or null for the first
   */
  public record Options(List<Map.Entry<String, String>> pathMap,
      List<Map.Entry<String, String>> interpreters, String site) {

    public Options {
      pathMap = List.copyOf(pathMap);
      interpreters = List.copyOf(interpreters);
    }
  }

  private final Coverage coverage = new Coverage();
  private final Notes notes = new Notes();
  private final SiteReader reader = new SiteReader(coverage);
  private final PathMap pathMap;
  private final Interpreters interpreters;

  private IisImport(Options options) {
    this.pathMap = new PathMap(options.pathMap());
    this.interpreters = new Interpreters(options.interpreters());
  }

  /** Translates {@code files}; throws only for input that cannot be read at all. */
  public static ImportedConfig run(List<Path> files, Options options) throws IisImportException {
    IisImport run = new IisImport(options);
    List<Element> roots = new ArrayList<>();
    for (Path file : files) {
      roots.add(root(file));
    }
    int host = applicationHostIndex(files, roots);
    IisSite site = chooseSite(run.reader.sites(roots.get(host)), options.site(), files.get(host),
        run.notes);
    List<ConfigScope> scopes = new ArrayList<>(
        run.reader.scopes(roots.get(host), "", files.get(host).toString(), 0));
    for (int i = 0; i < files.size(); i++) {
      if (i != host) {
        String folder = WebConfigPlacement.locate(files.get(i), site, run.pathMap);
        scopes.addAll(run.reader.scopes(roots.get(i), folder, files.get(i).toString(), i + 1));
      }
    }
    return run.translate(new EffectiveConfig(scopes, run.coverage), site, files.get(host));
  }

  private ImportedConfig translate(EffectiveConfig config, IisSite site, Path host)
      throws IisImportException {
    SectionTranslation sections =
        new SectionTranslation(config, site.name(), interpreters, coverage, notes);
    HandlerTranslation handlers = new HandlerTranslation(config, site, pathMap, interpreters,
        sections::cgiRefusal, coverage, notes);
    List<ImportedConfig.Mount> mounts = handlers.mounts();
    ImportedConfig.Server server = new ImportedConfig.Server(bind(site, host, notes), port(site),
        docroot(site, pathMap, host, notes), sections.indexFiles(), "nobody",
        sections.runAsReason());
    ImportedConfig.Request request =
        sections.request(handlers.runExtensions(), handlers.runsWithoutExtension());
    List<String> refuseExtensions = refuseExtensions(handlers.scriptExtensions());
    String errorMode = sections.errorMode();
    Duration timeout = sections.totalTimeout();
    List<String> programs = sections.allowedPrograms();
    // Last, so that it sees what every translation accounted for.
    Leftovers leftovers = new Leftovers(coverage, notes, site.name());
    config.scopes().stream().sorted(Comparator.comparingInt(ConfigScope::fileOrder))
        .forEach(leftovers::list);
    return new ImportedConfig(site.name(), server, mounts, programs,
        handlers.argumentsRequested(), timeout, request, refuseExtensions, errorMode, notes.notTranslated(),
        notes.refused(), notes.leftOut(),
        new ImportedConfig.IisCompat(site.id(), applications(site)));
  }

  /** cgiguard's script extensions plus those of the CGI mappings; null when nothing is added. */
  private static List<String> refuseExtensions(Set<String> mapped) {
    Set<String> all = new LinkedHashSet<>(GatewayConfig.Site.SCRIPT_EXTENSIONS);
    all.addAll(mapped);
    return all.size() == GatewayConfig.Site.SCRIPT_EXTENSIONS.size() ? null
        : new ArrayList<>(all);
  }

  private static List<String> applications(IisSite site) {
    List<String> paths = new ArrayList<>();
    for (IisSite.Application app : site.applications()) {
      String path = "/" + ConfigScope.normalise(app.path());
      if (!paths.contains(path)) {
        paths.add(path);
      }
    }
    return paths;
  }

  private static Element root(Path file) throws IisImportException {
    Document doc = HardenedXml.parse(file);
    Element root = doc.getDocumentElement();
    if (!root.getTagName().equals("configuration")) {
      throw new IisImportException(file + ": not an IIS configuration file (its root element is <"
          + root.getTagName() + ">, not <configuration>)");
    }
    return root;
  }

  private static int applicationHostIndex(List<Path> files, List<Element> roots)
      throws IisImportException {
    int found = -1;
    for (int i = 0; i < roots.size(); i++) {
      if (SiteReader.child(roots.get(i), "system.applicationHost") != null) {
        if (found >= 0) {
          throw new IisImportException(files.get(i) + ": a second applicationHost.config (the "
              + "first was " + files.get(found) + "); import one server at a time");
        }
        found = i;
      }
    }
    if (found < 0) {
      throw new IisImportException("no applicationHost.config among the inputs (no file has "
          + "<system.applicationHost>); it is needed for the sites and their physical paths");
    }
    return found;
  }

  private static IisSite chooseSite(List<IisSite> sites, String wanted, Path host, Notes notes)
      throws IisImportException {
    if (sites.isEmpty()) {
      throw new IisImportException(host + ": defines no <site>");
    }
    Optional<IisSite> chosen = wanted == null ? Optional.of(sites.get(0))
        : sites.stream().filter(s -> s.name().equalsIgnoreCase(wanted)).findFirst();
    if (chosen.isEmpty()) {
      throw new IisImportException(host + ": no site named '" + wanted + "'; its sites are "
          + String.join(", ", sites.stream().map(s -> "'" + s.name() + "'").toList()));
    }
    for (IisSite other : sites) {
      if (other != chosen.get()) {
        notes.notTranslated(host.toString(), "site " + other.name(), "cgiguard serves one site; "
            + "import this one with --site \"" + other.name() + "\"");
      }
    }
    return chosen.get();
  }

  private static String bind(IisSite site, Path host, Notes notes) {
    Optional<IisSite.Binding> http = firstHttp(site);
    for (IisSite.Binding b : site.bindings()) {
      if (http.isEmpty() || b != http.get()) {
        notes.notTranslated(host.toString(), "site " + site.name() + " binding " + b.protocol() + " " + b.bindingInformation(),
            b.protocol().equalsIgnoreCase("https") ? "TLS is terminated in front of cgiguard"
                : "cgiguard listens on one address and port");
      }
    }
    if (http.isEmpty()) {
      return null;
    }
    BindingInformation info = BindingInformation.parse(http.get().bindingInformation());
    if (!info.hostName().isEmpty()) {
      notes.notTranslated(host.toString(), "site " + site.name() + " binding http "
          + http.get().bindingInformation(), "host name " + info.hostName() + ": cgiguard "
          + "answers every Host on its address and port; check the name in front of it");
    }
    String address = info.address();
    return address.isEmpty() || address.equals("*") ? "0.0.0.0" : address;
  }

  private static Integer port(IisSite site) {
    return firstHttp(site).map(b -> BindingInformation.parse(b.bindingInformation()).port())
        .filter(p -> p.matches("\\d{1,5}")).map(Integer::valueOf).orElse(null);
  }

  /**
   * IIS's {@code bindingInformation}, "address:port:host name", where the address may be an
   * IPv6 literal in brackets ({@code [::1]:8081:}), whose colons do not separate anything.
   */
  record BindingInformation(String address, String port, String hostName) {

    static BindingInformation parse(String text) {
      String t = text.trim();
      String address;
      String rest;
      if (t.startsWith("[") && t.indexOf(']') > 0) {
        address = t.substring(1, t.indexOf(']'));
        rest = t.substring(t.indexOf(']') + 1);
        rest = rest.startsWith(":") ? rest.substring(1) : rest;
      } else {
        int colon = t.indexOf(':');
        address = colon < 0 ? t : t.substring(0, colon);
        rest = colon < 0 ? "" : t.substring(colon + 1);
      }
      int colon = rest.indexOf(':');
      String port = colon < 0 ? rest : rest.substring(0, colon);
      String hostName = colon < 0 ? "" : rest.substring(colon + 1);
      return new BindingInformation(address, port.trim(), hostName.trim());
    }
  }

  private static Optional<IisSite.Binding> firstHttp(IisSite site) {
    return site.bindings().stream().filter(b -> b.protocol().equalsIgnoreCase("http")).findFirst();
  }

  private static String docroot(IisSite site, PathMap pathMap, Path host, Notes notes) {
    for (IisSite.Application app : site.applications()) {
      for (IisSite.VirtualDirectory dir : app.virtualDirectories()) {
        if (IisSite.urlPath(app, dir).equals("/")) {
          Optional<String> linux = pathMap.translate(dir.physicalPath());
          if (linux.isEmpty()) {
            notes.leftOut(host.toString(), "site " + site.name() + " physicalPath "
                + dir.physicalPath(), "no --path-map covers it; docroot keeps its default");
          }
          return linux.orElse(null);
        }
      }
    }
    return null;
  }
}
