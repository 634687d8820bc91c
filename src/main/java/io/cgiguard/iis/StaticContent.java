package io.cgiguard.iis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * IIS's {@code staticContent} as far as it decides what is served: IIS's static file handler
 * answers 404.3 for a file whose extension has no {@code <mimeMap>}, so an include file, a Perl
 * module or a configuration file with an unmapped extension is never sent. cgiguard has no MIME
 * map, so the extensions IIS would serve (its effective mimeMap list, plus those of the CGI
 * mappings, which run) become {@code [request] allowed-extensions}.
 *
 * <p>IIS's setup writes a long default list into applicationHost.config. When the input's
 * applicationHost.config holds none (a cut-down file), {@link #DEFAULTS}, a subset of that list
 * with the common web types, stands in for it: a subset can only refuse more than IIS did.
 */
final class StaticContent {

  static final String SECTION = "system.webServer/staticContent";

  /** Common static types of IIS's shipped mimeMap list (a subset of it). */
  static final List<String> DEFAULTS = List.of(".htm", ".html", ".css", ".js", ".json", ".xml",
      ".xsl", ".xslt", ".dtd", ".txt", ".csv", ".rtf", ".pdf", ".jpg", ".jpeg", ".jpe", ".gif",
      ".png", ".bmp", ".ico", ".svg", ".svgz", ".tif", ".tiff", ".woff", ".woff2", ".ttf", ".otf",
      ".eot", ".mp3", ".mp4", ".m4a", ".m4v", ".wav", ".ogg", ".oga", ".ogv", ".webm", ".avi",
      ".mov", ".mpeg", ".mpg", ".wma", ".wmv", ".zip", ".doc", ".docx", ".xls", ".xlsx", ".ppt",
      ".pptx");

  private StaticContent() {}

  /**
   * The extensions IIS serves as static files at {@code location}, lower case; empty when
   * IIS serves every file ({@code fileExtension="*"}).
   */
  static Optional<List<String>> servedExtensions(EffectiveConfig config, String location,
      Coverage coverage, Notes notes) throws IisImportException {
    List<CollectionEntry> seed = writtenAtServer(config) ? List.of() : defaults();
    List<CollectionEntry> maps =
        config.collection(location, SECTION, "fileExtension", true, "mimeMap", seed);
    Set<String> extensions = new LinkedHashSet<>();
    boolean any = false;
    for (CollectionEntry map : maps) {
      if (map.element() != null) {
        coverage.use(map.element(), "fileExtension", "mimeType");
        notes.notTranslated(Origins.of(map.element()), SECTION + "/mimeMap@mimeType",
            "cgiguard chooses the Content-Type of a static file itself; the extensions decide "
                + "only what is served ([request] allowed-extensions)");
      }
      String extension = map.key().trim().toLowerCase(Locale.ROOT);
      if (extension.equals("*")) {
        any = true;
      } else if (extension.startsWith(".") && extension.length() > 1) {
        extensions.add(extension);
      }
    }
    return any ? Optional.empty() : Optional.of(new ArrayList<>(extensions));
  }

  /** Whether applicationHost.config itself lists (or clears) the MIME map. */
  private static boolean writtenAtServer(EffectiveConfig config) {
    return config.scopes().stream().filter(s -> s.location().isEmpty())
        .map(s -> EffectiveConfig.find(s.root(), SECTION))
        .flatMap(Optional::stream)
        .anyMatch(e -> !SiteReader.children(e, "mimeMap").isEmpty()
            || !SiteReader.children(e, "clear").isEmpty());
  }

  private static List<CollectionEntry> defaults() {
    List<CollectionEntry> entries = new ArrayList<>();
    for (String extension : DEFAULTS) {
      entries.add(new CollectionEntry(extension, Map.of("fileExtension", extension),
          "IIS's shipped mimeMap list", null));
    }
    return entries;
  }
}
