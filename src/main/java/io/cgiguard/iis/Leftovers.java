package io.cgiguard.iis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The last step before writing: everything in the input that no translation accounted for is
 * listed as not translated, with the most specific reason known. A section nobody has heard of
 * is listed whole, once; an unknown attribute of a known element is listed by itself.
 */
final class Leftovers {

  /** Section groups that only hold sections: looked into, never listed themselves. */
  private static final Set<String> GROUPS = Set.of("configuration", "location",
      "system.webServer", "system.applicationHost", "security");

  /** Sections cgiguard reads only at the site's root, because its keys are server-wide. */
  private static final List<String> SERVER_WIDE = List.of(SectionTranslation.CGI,
      SectionTranslation.HTTP_ERRORS, SectionTranslation.FILTERING,
      SectionTranslation.DEFAULT_DOCUMENT, SectionTranslation.RESTRICTION,
      StaticContent.SECTION + "/mimeMap", StaticContent.SECTION + "/remove",
      StaticContent.SECTION + "/clear");

  private static final Map<String, String> REASONS = new LinkedHashMap<>();

  static {
    REASONS.put("system.applicationHost/applicationPools", "application pools are IIS worker "
        + "processes; cgiguard is one process and runs each script as [server] run-as");
    REASONS.put("system.applicationHost/sites", "IIS site, application and pool settings "
        + "have no cgiguard equivalent beyond mounts and [server]");
    REASONS.put("system.applicationHost/log", "logging is configured through logback");
    REASONS.put("system.webServer/httpLogging", "logging is configured through logback");
    REASONS.put("system.webServer/httpErrors/error", "cgiguard has one page for every status "
        + "([diagnostics] error-mode = \"custom\" with custom-page)");
    REASONS.put("system.webServer/globalModules", "native IIS modules do not exist in cgiguard");
    REASONS.put("system.webServer/modules", "native IIS modules do not exist in cgiguard");
    REASONS.put("system.webServer/security/authentication", "cgiguard does no authentication; "
        + "put an authenticating proxy in front (see [[mount]] pass-authorization)");
    REASONS.put("system.webServer/security/authorization", "cgiguard does no authorization; "
        + "put an authorizing proxy in front");
    REASONS.put("system.webServer/staticContent", "client caching and other static-file "
        + "settings are not part of cgiguard's config (only the mimeMap extensions are)");
    REASONS.put("system.webServer/directoryBrowse", "cgiguard never lists directories");
    REASONS.put("system.webServer/fastCgi", "FastCGI is not supported; cgiguard runs CGI");
    REASONS.put("system.webServer/rewrite", "URL rewriting is not supported");
    REASONS.put("system.web", "ASP.NET settings; cgiguard runs no .NET code");
    REASONS.put("location", "configuration locking and delegation do not apply to one file");
  }

  private final Coverage coverage;
  private final Notes notes;
  private final String siteName;

  Leftovers(Coverage coverage, Notes notes, String siteName) {
    this.coverage = coverage;
    this.notes = notes;
    this.siteName = siteName;
  }

  /** Lists what is left of one scope; nested locations are scopes of their own. */
  void list(ConfigScope scope) {
    listAttributes(scope.root(), scope);
    for (Node n = scope.root().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && !e.getTagName().equals("location")) {
        walk(e, scope);
      }
    }
  }

  private void walk(Element element, ConfigScope scope) {
    boolean group = GROUPS.contains(element.getTagName());
    if (!group && !coverage.isTouched(element)) {
      notes.notTranslated(element, null, reason(element, scope));
      return;
    }
    listAttributes(element, scope);
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        walk(e, scope);
      }
    }
  }

  private void listAttributes(Element element, ConfigScope scope) {
    NamedNodeMap attrs = element.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Attr attr = (Attr) attrs.item(i);
      if (coverage.isUsed(attr) || attr.getName().startsWith("xmlns")) {
        continue;
      }
      String reason = attr.getName().equals("inheritInChildApplications")
          ? "cgiguard has no application boundary: mounts below still inherit these settings"
          : reason(element, scope);
      notes.notTranslated(element, attr.getName(), reason);
    }
  }

  private String reason(Element element, ConfigScope scope) {
    String location = scope.location();
    if (!location.isEmpty() && !ConfigScope.covers(siteName, location)) {
      return "belongs to site " + location.split("/")[0] + ", which was not imported (cgiguard "
          + "serves one site; choose it with --site)";
    }
    String path = Origins.path(element).replaceAll("\\[[^]]*]", "");
    for (String section : SERVER_WIDE) {
      if ((path.equals(section) || path.startsWith(section + "/")) && ConfigScope.covers(siteName, location)
          && !location.equalsIgnoreCase(siteName)) {
        return "set only for /" + location.substring(siteName.length()).replaceFirst("^/", "")
            + ", while cgiguard applies this section to the whole server";
      }
    }
    for (Map.Entry<String, String> r : REASONS.entrySet()) {
      if (path.equals(r.getKey()) || path.startsWith(r.getKey() + "/")) {
        return r.getValue();
      }
    }
    return "cgiguard has no equivalent setting";
  }
}
