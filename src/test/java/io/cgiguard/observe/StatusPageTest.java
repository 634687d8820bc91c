package io.cgiguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.observe.Snapshots.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusPageTest {

  private static final String HOSTILE = "<script>alert(\"x\")</script>&'<img src=x onerror=y>";
  private static final Pattern TAG = Pattern.compile("<(/?[A-Za-z!][^\\s>]*)");

  private static List<String> tags(String html) {
    List<String> tags = new ArrayList<>();
    Matcher matcher = TAG.matcher(html);
    while (matcher.find()) {
      tags.add(matcher.group(1));
    }
    return tags;
  }

  @ParameterizedTest
  @EnumSource(Field.class)
  void hostileValueIsShownEscapedAndAddsNoMarkup(Field field) {
    String ordinary = StatusPage.render(Snapshots.with(field, "plain value"));
    String hostile = StatusPage.render(Snapshots.with(field, HOSTILE));

    assertThat(hostile)
        .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&lt;img src=x")
        .doesNotContain("<script")
        .doesNotContain("<img");
    assertThat(tags(hostile)).isEqualTo(tags(ordinary));
  }

  @ParameterizedTest
  @EnumSource(Field.class)
  void controlAndBidiCharactersAreMadeVisible(Field field) {
    String page = StatusPage.render(Snapshots.with(field, "a\u001b[31mred\u202egnp.exe"));

    assertThat(page).contains("a\\x1B[31mred\\u202Egnp.exe").doesNotContain("\u001b", "\u202e");
  }

  @Test
  void stderrKeepsItsLinesInsideAPreBlock() {
    String page = StatusPage.render(Snapshots.with(Field.STDERR, "line one\n\tline <two>"));

    assertThat(page).contains("<pre>line one\n\tline &lt;two&gt;</pre>");
  }

  @Test
  void pathKeepsItsNewlinesVisibleOnOneLine() {
    String page = StatusPage.render(Snapshots.with(Field.PATH, "/cgi-bin/a\r\nSet-Cookie: x"));

    assertThat(page).contains("/cgi-bin/a\\r\\nSet-Cookie: x");
  }

  @Test
  void pageIsSelfContainedUnderTheContentSecurityPolicy() {
    String page = StatusPage.render(Snapshots.ordinary());

    assertThat(page)
        .startsWith("<!DOCTYPE html>")
        .contains("<style>")
        .doesNotContain("<script", "<link", "<img", "src=", "href=", "style=\"", "http://",
            "https://", " on");
    assertThat(StatusPage.CONTENT_SECURITY_POLICY)
        .isEqualTo("default-src 'none'; style-src 'unsafe-inline'");
  }

  @Test
  void pageShowsTheSnapshotsFacts() {
    String page = StatusPage.render(Snapshots.ordinary());

    assertThat(page)
        .contains("cgiguard 0.1.0")
        .contains("1d 2h 3m 4s")
        .contains("posix")
        .contains("cpu-time, process-group")
        .contains("<td class=\"open\">open</td>")
        .contains("exited-before-headers")
        .contains("/cgi-bin/form.pl/extra")
        .contains("Can&#39;t locate CGI.pm in @INC\nBEGIN failed");
  }

  @Test
  void emptyGatewaySaysSoInsteadOfEmptyTables() {
    StatusSnapshot empty =
        new StatusSnapshot(Snapshots.TAKEN_AT, java.time.Duration.ZERO, "0.1.0",
            new LauncherView("jdk", List.of(), List.of("cpu-time")), 0, 0, List.of(),
            Totals.ZERO, List.of());

    String page = StatusPage.render(empty);

    assertThat(page).contains("No script has been run yet.").contains("None.").contains("0s");
  }
}
