package io.cgiguard.render;

import io.cgiguard.attempt.Attempt;
import io.cgiguard.diagnose.Cause;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.text.Escaping;

/**
 * The HTML diagnostic page: one self-contained document with an inline style sheet, no script and
 * no external resource, so it renders under {@code default-src 'none'; style-src 'unsafe-inline'}.
 */
final class HtmlPage {

  private static final String STYLE = """
      body{margin:0;background:#f6f7f9;color:#1f2328;\
      font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
      main{max-width:52rem;margin:2.5rem auto;padding:0 1.25rem}
      header{border-left:6px solid #c62828;padding:.25rem 0 .25rem 1rem;margin-bottom:1.5rem}
      h1{font-size:1.6rem;margin:0}
      h2{font-size:1.1rem;margin:1.75rem 0 .5rem}
      .kind{font-family:ui-monospace,Menlo,Consolas,monospace;color:#c62828}
      section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:1rem 1.25rem;\
      margin:1rem 0}
      dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
      dt{color:#57606a}
      dd{margin:0;overflow-wrap:anywhere}
      pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:.6rem;\
      overflow:auto;white-space:pre-wrap;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;\
      margin:.25rem 0}
      .fix{border-left:4px solid #2e7d32}
      footer{color:#57606a;font-size:.85rem;margin-top:2rem}
      """;

  private HtmlPage() {}

  static String render(PageContent content) {
    StringBuilder page = new StringBuilder(4096);
    String title = content.status() + " " + content.reasonPhrase();
    page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta name=\"robots\" content=\"noindex\">")
        .append("<title>").append(esc(title)).append("</title>")
        .append("<style>").append(STYLE).append("</style></head>\n<body><main>\n")
        .append("<header><h1>").append(esc(title)).append("</h1>")
        .append("<p>").append(esc(content.kindDescription())).append("</p></header>\n");
    summary(page, content);
    if (content.headerFailure()) {
      headers(page, content);
    }
    if (content.detailed()) {
      content.diagnosis().ifPresent(d -> diagnosis(page, d));
      attempts(page, content);
    }
    page.append("<footer>cgiguard · request ").append(esc(content.requestId()))
        .append("</footer>\n</main></body></html>\n");
    return page.toString();
  }

  private static void summary(StringBuilder page, PageContent content) {
    page.append("<section><dl>")
        .append(term("Status", content.status() + " " + content.reasonPhrase()))
        .append(term("Failure", content.kind().label()))
        .append(term("Request id", content.requestId()))
        .append(term("Attempts", Integer.toString(content.attempts().size())))
        .append("</dl></section>\n");
  }

  private static void headers(StringBuilder page, PageContent content) {
    page.append("<section><p>").append(esc(PageContent.IIS_SENTENCE));
    if (content.detailed()) {
      page.append(" The headers it did return are:</p>");
      String received = content.receivedHeaders();
      page.append("<pre>")
          .append(received.isEmpty() ? "(none)" : Escaping.htmlBlock(received))
          .append("</pre>");
    } else {
      page.append(" The headers it did return are hidden; the server's administrator can see"
          + " them in the log under the request id above.</p>");
    }
    page.append("</section>\n");
  }

  private static void diagnosis(StringBuilder page, Diagnosis diagnosis) {
    Cause cause = diagnosis.cause();
    page.append("<h2>Likely cause</h2><section class=\"fix\">")
        .append("<p><strong>").append(esc(cause.title())).append("</strong> <span class=\"kind\">")
        .append(esc(cause.id())).append("</span></p>")
        .append("<p>").append(esc(cause.explanation())).append("</p>")
        .append("<p>Seen here: ").append(esc(diagnosis.detail())).append("</p>")
        .append("<p><strong>Fix:</strong> ").append(esc(cause.fix())).append("</p></section>\n");
  }

  private static void attempts(StringBuilder page, PageContent content) {
    for (Attempt attempt : content.attempts()) {
      page.append("<h2>Attempt ").append(attempt.number()).append("</h2><section><dl>")
          .append(term("Elapsed", PageContent.millis(attempt.elapsed())));
      if (attempt.failure().isEmpty()) {
        page.append(term("Outcome", "complete header block"));
      }
      attempt.failure().ifPresent(failure -> {
        page.append(term("Failure", failure.kind().label()));
        for (PageContent.Row row : PageContent.evidenceRows(failure)) {
          page.append(row.block()
              ? "<dt>" + esc(row.label()) + "</dt><dd><pre>"
                  + Escaping.htmlBlock(row.value()) + "</pre></dd>"
              : term(row.label(), row.value()));
        }
      });
      page.append("</dl></section>\n");
    }
  }

  private static String term(String label, String value) {
    return "<dt>" + esc(label) + "</dt><dd>" + esc(value) + "</dd>";
  }

  private static String esc(String text) {
    return Escaping.html(text);
  }
}
