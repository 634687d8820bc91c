package io.cgiguard.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EscapingTest {

  @ParameterizedTest(name = "U+{0} shows as {1}")
  @CsvSource(delimiter = '|', textBlock = """
      000D | \\r
      000A | \\n
      0009 | \\t
      0000 | \\0
      001B | \\x1B
      007F | \\x7F
      0085 | \\x85
      200B | \\u200B
      200E | \\u200E
      061C | \\u061C
      2028 | \\u2028
      2029 | \\u2029
      202E | \\u202E
      2066 | \\u2066
      FEFF | \\uFEFF
      """)
  void everyInvisibleOrControlCharacterIsShown(String hex, String shown) {
    String c = Character.toString(Integer.parseInt(hex, 16));

    assertThat(Escaping.visible("a" + c + "b", false)).isEqualTo("a" + shown + "b");
    assertThat(Escaping.html("a" + c + "b")).isEqualTo("a" + shown + "b");
  }

  @Test
  void blocksKeepTheirLinesAndTabsButNothingElse() {
    assertThat(Escaping.htmlBlock("one\n\ttwo\r\n<b>"))
        .isEqualTo("one\n\ttwo\\r\n&lt;b&gt;");
  }

  @Test
  void markupBecomesEntities() {
    assertThat(Escaping.html("<a href=\"x\" onclick='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  }

  @Test
  void plainTextIsReturnedAsItIs() {
    String plain = "café /cgi-bin/report.pl?x=1";

    assertThat(Escaping.visible(plain, false)).isSameAs(plain);
  }

  @Test
  void jsonCarriesNoLiveMarkupAndStaysTheSameValue() throws Exception {
    String hostile = "</script><b>&\u2028\u2029\"\\";

    String text = Json.write(Json.object().put("message", hostile));

    assertThat(text).doesNotContain("<", ">", "&", "\u2028", "\u2029").endsWith("}\n");
    assertThat(text).contains("\\u003C/script\\u003E", "\\u2028");
    assertThat(new ObjectMapper().readTree(text).get("message").asText()).isEqualTo(hostile);
  }
}
