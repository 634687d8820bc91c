package io.cgiguard.render;

import io.cgiguard.attempt.Attempt;
import io.cgiguard.diagnose.Cause;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.text.Escaping;

/** The plain-text diagnostic page, for curl and logs: one fact a line, control characters shown. */
final class TextPage {

  private static final String BLOCK_INDENT = "    | ";

  private TextPage() {}

  static String render(PageContent content) {
    StringBuilder page = new StringBuilder(1024);
    page.append(content.status()).append(' ').append(content.reasonPhrase()).append('\n')
        .append(content.kindDescription()).append("\n\n");
    line(page, "Failure", content.kind().label());
    line(page, "Request id", content.requestId());
    line(page, "Attempts", Integer.toString(content.attempts().size()));
    if (content.headerFailure()) {
      page.append('\n').append(PageContent.IIS_SENTENCE);
      if (content.detailed()) {
        page.append(" The headers it did return are:\n");
        block(page, content.receivedHeaders().isEmpty() ? "(none)" : content.receivedHeaders());
      } else {
        page.append(" The headers it did return are hidden; the server's administrator can see"
            + " them in the log under the request id above.\n");
      }
    }
    if (content.detailed()) {
      content.diagnosis().ifPresent(d -> diagnosis(page, d));
      attempts(page, content);
    }
    return page.toString();
  }

  private static void diagnosis(StringBuilder page, Diagnosis diagnosis) {
    Cause cause = diagnosis.cause();
    page.append("\nLikely cause: ").append(cause.title()).append(" (").append(cause.id())
        .append(")\n");
    line(page, "Why", cause.explanation());
    line(page, "Seen here", diagnosis.detail());
    line(page, "Fix", cause.fix());
  }

  private static void attempts(StringBuilder page, PageContent content) {
    for (Attempt attempt : content.attempts()) {
      page.append("\nAttempt ").append(attempt.number()).append('\n');
      line(page, "Elapsed", PageContent.millis(attempt.elapsed()));
      if (attempt.failure().isEmpty()) {
        line(page, "Outcome", "complete header block");
      }
      attempt.failure().ifPresent(failure -> {
        line(page, "Failure", failure.kind().label());
        for (PageContent.Row row : PageContent.evidenceRows(failure)) {
          if (row.block()) {
            page.append(row.label()).append(":\n");
            block(page, row.value());
          } else {
            line(page, row.label(), row.value());
          }
        }
      });
    }
  }

  private static void line(StringBuilder page, String label, String value) {
    page.append(label).append(": ").append(Escaping.visible(value, false)).append('\n');
  }

  /** Indents every line, so that script output can never pass for a line of the page. */
  private static void block(StringBuilder page, String text) {
    for (String line : Escaping.visible(text, true).split("\n", -1)) {
      page.append(BLOCK_INDENT).append(line).append('\n');
    }
  }
}
