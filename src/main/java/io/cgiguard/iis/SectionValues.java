package io.cgiguard.iis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Attr;

/**
 * The effective attributes of one configuration element at one location: each attribute from the
 * nearest scope that sets it. Reading a value marks it as translated.
 */
final class SectionValues {

  private final Map<String, Attr> attributes;
  private final Coverage coverage;

  SectionValues(Map<String, Attr> attributes, Coverage coverage) {
    this.attributes = new LinkedHashMap<>(attributes);
    this.coverage = coverage;
  }

  /** The value, or empty when no scope sets it (IIS's schema default then applies). */
  Optional<String> get(String name) {
    Attr attr = attributes.get(name);
    if (attr == null) {
      return Optional.empty();
    }
    coverage.use(attr);
    return Optional.of(attr.getValue().trim());
  }

  String get(String name, String schemaDefault) {
    return get(name).orElse(schemaDefault);
  }

  /** Whether some scope sets the attribute, without marking it translated. */
  boolean isSet(String name) {
    return attributes.containsKey(name);
  }

  /** The scope that set an attribute, for messages. */
  String origin(String name) {
    Attr attr = attributes.get(name);
    return attr == null ? "IIS default" : Origins.of(attr.getOwnerElement());
  }
}
