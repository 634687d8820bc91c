package io.cgiguard.render;

import io.cgiguard.text.Escaping;
import io.cgiguard.text.Json;

/**
 * The short page of a request the gateway refused before running anything (400, 403, 404, 405,
 * 413, 414, 431): the status, why, and the request id, in the format the client asked for.
 */
final class RefusalPage {

  private static final String STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:40em;"
      + "margin:3em auto;padding:0 1em;color:#222}h1{font-size:1.4em}"
      + "code{background:#f3f3f3;padding:0 .3em}";

  private RefusalPage() {}

  static String render(DiagnosticPage.Format format, int status, String reasonPhrase,
      String reason, String requestId) {
    String title = status + " " + reasonPhrase;
    return switch (format) {
      case JSON -> Json.write(Json.object().put("status", status).put("reason", reasonPhrase)
          .put("message", reason).put("requestId", requestId));
      case TEXT -> Escaping.visible(title, false) + "\n" + Escaping.visible(reason, false)
          + "\nRequest id: " + Escaping.visible(requestId, false) + "\n";
      case HTML -> "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
          + Escaping.html(title) + "</title><style>" + STYLE + "</style></head><body><h1>"
          + Escaping.html(title) + "</h1><p>" + Escaping.html(reason)
          + "</p><p>Request id: <code>" + Escaping.html(requestId)
          + "</code></p></body></html>\n";
    };
  }
}
