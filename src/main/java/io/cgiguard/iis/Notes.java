package io.cgiguard.iis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * Collects what was not translated, what was refused and what was left out, once each, in the
 * order met. A handler inherited by several mounts is judged at each, but reported once.
 */
final class Notes {

  private final Set<ImportedConfig.Note> notTranslated = new LinkedHashSet<>();
  private final Set<ImportedConfig.Note> refused = new LinkedHashSet<>();
  private final Set<ImportedConfig.Note> leftOut = new LinkedHashSet<>();

  void notTranslated(String origin, String setting, String reason) {
    notTranslated.add(new ImportedConfig.Note(origin, setting, "not translated: " + reason));
  }

  void notTranslated(Element element, String attribute, String reason) {
    String setting = Origins.path(element) + (attribute == null ? "" : "@" + attribute);
    notTranslated(Origins.of(element), setting, reason);
  }

  void refused(Element element, String reason) {
    refused.add(new ImportedConfig.Note(Origins.of(element), Origins.path(element),
        "refused: " + reason));
  }

  /** A folder of the site that no --path-map covers: what IIS serves there, cgiguard will not. */
  void leftOut(String origin, String setting, String reason) {
    leftOut.add(new ImportedConfig.Note(origin, setting, "left out: " + reason));
  }

  List<ImportedConfig.Note> notTranslated() {
    return new ArrayList<>(notTranslated);
  }

  List<ImportedConfig.Note> refused() {
    return new ArrayList<>(refused);
  }

  List<ImportedConfig.Note> leftOut() {
    return new ArrayList<>(leftOut);
  }
}
