package io.cgiguard.cgi;

import java.util.Objects;

/**
 * One header field of a CGI response or of an HTTP request, name as written, value without the
 * surrounding white space.
 */
public record HeaderField(String name, String value) {
  public HeaderField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  /** @return whether this field's name is {@code other}, ignoring case */
  public boolean is(String other) {
    return name.equalsIgnoreCase(other);
  }
}
