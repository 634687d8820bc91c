package io.cgiguard.iis;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads the sites out of {@code applicationHost.config} and finds the configuration scopes of
 * every input file: the file's root and each {@code <location path>} in it.
 */
final class SiteReader {

  private final Coverage coverage;

  SiteReader(Coverage coverage) {
    this.coverage = coverage;
  }

  List<IisSite> sites(Element configuration) {
    List<IisSite> sites = new ArrayList<>();
    Element host = child(configuration, "system.applicationHost");
    Element list = host == null ? null : child(host, "sites");
    if (list == null) {
      return sites;
    }
    coverage.use(host);
    coverage.use(list);
    for (Element site : children(list, "site")) {
      coverage.use(site, "name", "id");
      String id = site.getAttribute("id");
      sites.add(new IisSite(site.getAttribute("name"), id.matches("[1-9][0-9]{0,8}")
          ? Integer.parseInt(id) : 1, bindings(site), applications(site)));
    }
    return sites;
  }

  private List<IisSite.Binding> bindings(Element site) {
    List<IisSite.Binding> bindings = new ArrayList<>();
    Element list = child(site, "bindings");
    if (list != null) {
      coverage.use(list);
      for (Element b : children(list, "binding")) {
        coverage.use(b, "protocol", "bindingInformation");
        bindings.add(new IisSite.Binding(b.getAttribute("protocol"),
            b.getAttribute("bindingInformation")));
      }
    }
    return bindings;
  }

  private List<IisSite.Application> applications(Element site) {
    List<IisSite.Application> apps = new ArrayList<>();
    for (Element app : children(site, "application")) {
      // applicationPool is not marked: it is listed as not translated, with its reason.
      coverage.use(app, "path");
      List<IisSite.VirtualDirectory> dirs = new ArrayList<>();
      for (Element dir : children(app, "virtualDirectory")) {
        coverage.use(dir, "path", "physicalPath");
        dirs.add(new IisSite.VirtualDirectory(dir.getAttribute("path"),
            dir.getAttribute("physicalPath")));
      }
      apps.add(new IisSite.Application(app.getAttribute("path"), dirs));
    }
    return apps;
  }

  /**
   * The scopes of one file: its root at {@code base} (the server for applicationHost.config, the
   * folder for a web.config) and each {@code <location path>} below it.
   */
  List<ConfigScope> scopes(Element configuration, String base, String fileName, int fileOrder) {
    List<ConfigScope> scopes = new ArrayList<>();
    coverage.use(configuration);
    Origins.mark(configuration, fileName);
    scopes.add(new ConfigScope(base, configuration, fileName, fileOrder, base));
    for (Element location : children(configuration, "location")) {
      coverage.use(location, "path");
      String path = ConfigScope.join(base, location.getAttribute("path"));
      String origin = fileName + " <location path=\"" + location.getAttribute("path") + "\">";
      Origins.mark(location, origin);
      scopes.add(new ConfigScope(path, location, origin, fileOrder, base));
    }
    // Section declarations describe the schema, not the server: nothing in them to translate.
    Element declarations = child(configuration, "configSections");
    if (declarations != null) {
      coverage.useAll(declarations);
    }
    return scopes;
  }

  static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        found.add(e);
      }
    }
    return found;
  }
}
