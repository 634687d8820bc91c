package io.cgiguard.iis;

import java.util.Map;
import org.w3c.dom.Element;

/**
 * An entry of an effective IIS collection: its unique key (a handler's {@code name}, a file
 * extension, a verb), its attributes and where it was written.
 *
 * @param key the value of the collection's key attribute
 * @param attributes every attribute of the {@code <add>} element, in document order
 * @param origin the scope that added it, for messages
 * @param element the {@code <add>} element, so the translation can account for its attributes;
 *     null in tests that build entries by hand
 */
public record CollectionEntry(
    String key, Map<String, String> attributes, String origin, Element element) {

  public CollectionEntry {
    attributes = Map.copyOf(attributes);
  }

  /** An attribute's value, or {@code fallback} when absent. */
  public String get(String name, String fallback) {
    String v = attributes.get(name);
    return v == null ? fallback : v;
  }
}
