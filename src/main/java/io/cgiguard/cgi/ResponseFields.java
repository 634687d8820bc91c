package io.cgiguard.cgi;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a header block gathered line by line, with the CGI fields interpreted (RFC 3875
 * section 6.3): {@code Status} is taken out, {@code Location} and {@code Content-Type} are noted,
 * and at the blank line the response type of section 6.2 is decided.
 */
final class ResponseFields {

  /** Status of a client redirect whose script gave none (RFC 3875 6.2.3, "302 Found"). */
  static final int REDIRECT_STATUS = 302;

  private final boolean nph;
  private final List<HeaderField> fields = new ArrayList<>();
  private StatusLine status;
  private String location;
  private boolean contentType;
  /** The first Content-Length value, to hold a second one to it. */
  private String contentLength;

  ResponseFields(boolean nph) {
    this.nph = nph;
  }

  /** Records an NPH script's status line. */
  void statusLine(StatusLine line) {
    this.status = line;
  }

  /**
   * Adds a checked field.
   *
   * @return why the field makes the block malformed, or {@code null}
   */
  String add(HeaderField field) {
    if (field.is("Status")) {
      return addStatus(field.value());
    }
    if (field.is("Location")) {
      if (location != null) {
        return "Location given twice";
      }
      if (field.value().isEmpty()) {
        return "empty Location";
      }
      location = field.value();
    } else if (field.is("Content-Type")) {
      contentType = true;
    } else if (field.is("Transfer-Encoding")) {
      // RFC 3875 section 6.3: a script sends no field that concerns the connection to the client.
      // The gateway frames every body itself, an NPH script's too, so a script's own framing
      // would reach the client inside the body; Apache httpd (2.4.60 on) answers 502 as well.
      return "Transfer-Encoding from the script: the gateway frames the body itself, so the "
          + "script's own framing would reach the client as part of the body";
    } else if (field.is("Content-Length")) {
      String value = field.value().trim();
      if (contentLength != null && !contentLength.equals(value)) {
        // RFC 9110 section 8.6: differing lengths leave the body's end unknown; relaying either
        // would cut the body or let the rest pass for something else.
        return "Content-Length given twice with different values";
      }
      contentLength = value;
    }
    fields.add(field);
    return null;
  }

  private String addStatus(String value) {
    if (nph) {
      return "Status field in an NPH response, whose status line already gave the status";
    }
    if (status != null) {
      return "Status given twice";
    }
    StatusLine.Parsed parsed = StatusLine.parseStatusField(value);
    if (parsed instanceof StatusLine.Invalid invalid) {
      return invalid.reason();
    }
    status = ((StatusLine.Valid) parsed).line();
    return null;
  }

  /**
   * Decides the response type at the blank line. Lenient like Apache: a document needs no
   * {@code Content-Type} (the HTTP layer adds a safe default), a relative {@code Location} is a
   * client redirect, and a local redirect with other fields stays local only while it has neither
   * {@code Status} nor {@code Content-Type}.
   */
  ResponseHead head() {
    if (nph) {
      return new ResponseHead(status.code(), status.reason(), fields, ResponseHead.Type.NON_PARSED);
    }
    if (location == null) {
      return withStatusOr(200, ResponseHead.Type.DOCUMENT);
    }
    if (location.startsWith("/") && status == null && !contentType) {
      // The gateway re-dispatches a local redirect itself; the status is never sent.
      return new ResponseHead(200, "", fields, ResponseHead.Type.LOCAL_REDIRECT);
    }
    return withStatusOr(REDIRECT_STATUS, contentType
        ? ResponseHead.Type.CLIENT_REDIRECT_WITH_DOCUMENT
        : ResponseHead.Type.CLIENT_REDIRECT);
  }

  private ResponseHead withStatusOr(int defaultCode, ResponseHead.Type type) {
    return status == null
        ? new ResponseHead(defaultCode, "", fields, type)
        : new ResponseHead(status.code(), status.reason(), fields, type);
  }
}
