package io.cgiguard.iis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The configuration in effect at one IIS location: every scope that covers it, from the server
 * down to the folder, merged as IIS merges them. Attributes come from the nearest scope that sets
 * them; collections are rebuilt with {@link CollectionMerge}. What it reads it marks in the
 * {@link Coverage}.
 */
final class EffectiveConfig {

  private final List<ConfigScope> scopes;
  private final Coverage coverage;

  EffectiveConfig(List<ConfigScope> scopes, Coverage coverage) {
    // Server before site before folder; at one location, the file higher in the hierarchy
    // first (applicationHost.config's <location>, then a parent web.config's <location>, then
    // the folder's own web.config), whatever order the command line gave them in; document
    // order within a file (the sort is stable).
    List<ConfigScope> sorted = new ArrayList<>(scopes);
    sorted.sort(Comparator.comparingInt(ConfigScope::depth)
        .thenComparingInt(ConfigScope::fileDepth).thenComparingInt(ConfigScope::fileOrder));
    this.scopes = List.copyOf(sorted);
    this.coverage = coverage;
  }

  List<ConfigScope> scopes() {
    return scopes;
  }

  /** The scopes that apply at {@code location}, in merge order. */
  List<ConfigScope> scopesAt(String location) {
    return scopes.stream().filter(s -> s.appliesTo(location)).toList();
  }

  /** The element at {@code path} ("system.webServer/cgi") below a scope's root, if written. */
  static Optional<Element> find(Element root, String path) {
    Element current = root;
    for (String name : path.split("/")) {
      current = firstChild(current, name);
      if (current == null) {
        return Optional.empty();
      }
    }
    return Optional.of(current);
  }

  /** The effective attributes of the element at {@code path}. */
  SectionValues attributes(String location, String path) {
    Map<String, Attr> merged = new LinkedHashMap<>();
    for (ConfigScope scope : scopesAt(location)) {
      Optional<Element> element = find(scope.root(), path);
      if (element.isEmpty()) {
        continue;
      }
      useAncestors(element.get(), scope.root());
      NamedNodeMap attrs = element.get().getAttributes();
      for (int i = 0; i < attrs.getLength(); i++) {
        Attr attr = (Attr) attrs.item(i);
        Attr overridden = merged.put(attr.getName(), attr);
        if (overridden != null) {
          coverage.use(overridden);
        }
      }
    }
    return new SectionValues(merged, coverage);
  }

  /**
   * The effective entries of the collection at {@code path}.
   *
   * @param key the collection's unique-key attribute
   * @param append false for collections IIS declares {@code mergeAppend="false"}
   */
  List<CollectionEntry> collection(String location, String path, String key, boolean append)
      throws IisImportException {
    return collection(location, path, key, append, "add", List.of());
  }

  /**
   * The effective entries of a collection whose entries are not {@code <add>} elements
   * ({@code staticContent}'s {@code <mimeMap>}), starting from {@code inherited}: what IIS's own
   * applicationHost.config would have held when the input leaves it out.
   */
  List<CollectionEntry> collection(String location, String path, String key, boolean append,
      String addElement, List<CollectionEntry> inherited) throws IisImportException {
    List<CollectionEntry> entries = inherited;
    for (ConfigScope scope : scopesAt(location)) {
      Optional<Element> element = find(scope.root(), path);
      if (element.isPresent()) {
        useAncestors(element.get(), scope.root());
        CollectionMerge.Merged merged = CollectionMerge.apply(entries,
            ops(element.get(), key, addElement), append);
        // An entry that a later scope cleared or removed is not in effect: nothing to translate.
        merged.dropped().stream().filter(e -> e.element() != null)
            .forEach(e -> coverage.useAll(e.element()));
        entries = merged.entries();
      }
    }
    return entries;
  }

  private List<CollectionOp> ops(Element collection, String key, String addElement) {
    List<CollectionOp> ops = new ArrayList<>();
    for (Node n = collection.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element e)) {
        continue;
      }
      String tag = e.getTagName().equals(addElement) ? "add"
          : e.getTagName().equals("add") ? "(not an entry here)" : e.getTagName();
      switch (tag) {
        case "clear" -> {
          coverage.useAll(e);
          ops.add(new CollectionOp.Clear());
        }
        case "remove" -> {
          coverage.useAll(e);
          ops.add(new CollectionOp.Remove(e.getAttribute(key)));
        }
        case "add" -> {
          coverage.use(e, key);
          ops.add(new CollectionOp.Add(entry(e, key)));
        }
        default -> {
          // Not a collection operation (e.g. requestFiltering's nested elements): left for
          // whichever translation reads it, else listed as not translated.
        }
      }
    }
    return ops;
  }

  private static CollectionEntry entry(Element add, String key) {
    Map<String, String> attributes = new LinkedHashMap<>();
    NamedNodeMap attrs = add.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      attributes.put(attrs.item(i).getNodeName(), attrs.item(i).getNodeValue());
    }
    return new CollectionEntry(add.getAttribute(key), attributes, Origins.of(add), add);
  }

  private void useAncestors(Element element, Element root) {
    for (Node n = element; n instanceof Element e && n != root; n = n.getParentNode()) {
      coverage.use(e);
    }
  }

  private static Element firstChild(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }
}
