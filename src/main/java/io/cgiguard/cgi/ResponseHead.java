package io.cgiguard.cgi;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A complete, valid CGI response header block (RFC 3875 section 6), with the CGI fields already
 * interpreted: {@code Status} became {@link #status()} and {@link #reason()}, and {@link #type()}
 * says which of the response types of section 6.2 the script sent.
 *
 * @param status the HTTP status, 200 to 599 (or, for an NPH script, whatever its status line said
 *     within that range)
 * @param reason the reason phrase the script gave, or empty for the standard one
 * @param fields the other header fields in the order the script wrote them, repeated names kept;
 *     {@code Status} is not among them
 * @param type the response type
 */
public record ResponseHead(int status, String reason, List<HeaderField> fields, Type type) {

  public ResponseHead {
    fields = List.copyOf(fields);
  }

  /** RFC 3875 section 6.2, plus non-parsed-header scripts (section 5). */
  public enum Type {
    /** 6.2.1: a document with Content-Type. */
    DOCUMENT,
    /** 6.2.2: {@code Location} is a local path; the server re-dispatches it as a GET. */
    LOCAL_REDIRECT,
    /** 6.2.3: {@code Location} is an absolute URI and nothing else. */
    CLIENT_REDIRECT,
    /** 6.2.4: {@code Location} is an absolute URI and there is a document too. */
    CLIENT_REDIRECT_WITH_DOCUMENT,
    /** Section 5: an NPH script wrote the HTTP status line itself. */
    NON_PARSED
  }

  /** @return the first value of {@code name}, ignoring case */
  public Optional<String> first(String name) {
    for (HeaderField field : fields) {
      if (field.is(name)) {
        return Optional.of(field.value());
      }
    }
    return Optional.empty();
  }

  /** @return the script's Content-Length when it sent a valid one */
  public OptionalLong contentLength() {
    Optional<String> value = first("Content-Length");
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long length = Long.parseLong(value.get().trim());
      return length >= 0 ? OptionalLong.of(length) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
