package io.cgiguard.iis;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Which elements and attributes of the input the translation has accounted for. Whatever is left
 * unmarked at the end is listed as not translated, which is how the importer guarantees that
 * nothing is dropped silently even for sections it has never heard of.
 */
final class Coverage {

  private final Set<Node> used = Collections.newSetFromMap(new IdentityHashMap<>());

  /** Marks the element itself (not its attributes or children) as accounted for. */
  void use(Element element) {
    used.add(element);
  }

  /** Marks the element and the named attributes, when present. */
  void use(Element element, String... attributes) {
    used.add(element);
    for (String name : attributes) {
      Attr attr = element.getAttributeNode(name);
      if (attr != null) {
        used.add(attr);
      }
    }
  }

  void use(Attr attr) {
    used.add(attr);
  }

  /** Marks the element, all its attributes and all its descendants. */
  void useAll(Element element) {
    used.add(element);
    NamedNodeMap attrs = element.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      used.add(attrs.item(i));
    }
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e) {
        useAll(e);
      }
    }
  }

  boolean isUsed(Node node) {
    return used.contains(node);
  }

  /** Whether the element or anything below it was accounted for. */
  boolean isTouched(Element element) {
    if (used.contains(element)) {
      return true;
    }
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e && isTouched(e)) {
        return true;
      }
    }
    return false;
  }
}
