package io.cgiguard.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.attempt.Attempt;
import io.cgiguard.diagnose.Cause;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.failure.FailureKind;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.Termination;
import io.cgiguard.render.DiagnosticPage.Format;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DiagnosticPageTest {

  private static final String PATH = "/srv/cgi-bin/<script>alert(1)</script>.pl";
  private static final String STDERR =
      "\"quoted\" <script>alert('stderr')</script>\r\nInjected: header\u0000after-nul\n";
  private static final String HEADERS = "<img src=x onerror=alert(2)>\r\nX-Evil: \"yes\"\u0000\n";
  private static final String REQUEST_ID = "req-<b>7</b>";
  private static final List<String> SECRETS =
      List.of("/srv/cgi-bin", "alert", "onerror", "after-nul", "quoted", "X-Evil");

  private static List<Attempt> attempts() {
    Termination killed = new Termination(new ExitStatus.Signaled(9, false), Duration.ofMillis(80),
        Optional.of(Duration.ofMillis(30)), Optional.of(8L << 20), Optional.empty());
    Evidence evidence = new Evidence(Optional.of(killed), Optional.empty(),
        HEADERS.getBytes(StandardCharsets.ISO_8859_1), STDERR.getBytes(StandardCharsets.UTF_8),
        Duration.ofMillis(90), PATH, List.of("/usr/bin/perl", PATH));
    Failure failure = new Failure(FailureKind.KILLED_BEFORE_HEADERS,
        "The script was killed by SIGKILL before it finished its response headers", evidence);
    return List.of(Attempt.failed(1, failure, Duration.ofMillis(95)),
        Attempt.failed(2, failure, Duration.ofMillis(97)));
  }

  /** The only elements the page may contain: none that runs or loads anything. */
  private static final List<String> PAGE_TAGS = List.of("!DOCTYPE", "html", "head", "meta",
      "title", "style", "body", "main", "header", "h1", "h2", "p", "section", "dl", "dt", "dd",
      "pre", "strong", "span", "footer");

  private static final Optional<Diagnosis> DIAGNOSIS =
      Optional.of(new Diagnosis(Cause.KILLED_EXTERNALLY, "SIGKILL <not> from \"us\""));

  private static DiagnosticPage.Rendered render(Format format, boolean detailed) {
    return DiagnosticPage.standard(HttpStatus::getMessage)
        .render(format, detailed, REQUEST_ID, 502, attempts(), DIAGNOSIS);
  }

  static Stream<Arguments> formatsAndModes() {
    return Stream.of(Format.values())
        .flatMap(f -> Stream.of(Arguments.of(f, true), Arguments.of(f, false)));
  }

  @ParameterizedTest(name = "{0} detailed={1}")
  @MethodSource("formatsAndModes")
  void alwaysSaysStatusRequestIdKindIisSentenceAndAttempts(Format format, boolean detailed) {
    DiagnosticPage.Rendered page = render(format, detailed);
    String text = page.text();

    assertThat(page.contentType()).isEqualTo(format.contentType());
    assertThat(text).contains("502").contains("killed-before-headers").contains("2")
        .contains("The specified CGI application misbehaved by not returning a complete set of"
            + " HTTP headers.");
    assertThat(text).doesNotContain("\u0000").doesNotContain("\r");
    if (format == Format.HTML) {
      assertThat(text).contains("req-&lt;b&gt;7&lt;/b&gt;").doesNotContain("<b>");
    } else if (format == Format.JSON) {
      assertThat(text).contains("req-\\u003Cb\\u003E7").doesNotContain("<b>");
    } else {
      assertThat(text).contains(REQUEST_ID);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"HTML", "JSON", "TEXT"})
  void plainPageHoldsNothingFromTheScript(Format format) {
    String text = render(format, false).text();

    for (String secret : SECRETS) {
      assertThat(text).doesNotContain(secret);
    }
    assertThat(text).containsIgnoringCase("hidden").doesNotContain("Likely cause");
  }

  @Test
  void detailedHtmlEscapesEverythingAndLoadsNothing() {
    String html = render(Format.HTML, true).text();

    Matcher tags = Pattern.compile("<(/?[!A-Za-z0-9]+)([^>]*)>").matcher(html);
    while (tags.find()) {
      assertThat(PAGE_TAGS).contains(tags.group(1).replace("/", ""));
      assertThat(tags.group(2)).doesNotContain("src=").doesNotContain("href=")
          .doesNotContainPattern("\\son[a-z]+\\s*=");
    }
    assertThat(html).doesNotContain("@import").doesNotContain("url(");
    assertThat(html).contains("&lt;script&gt;alert(&#39;stderr&#39;)&lt;/script&gt;")
        .contains("&lt;img src=x onerror=alert(2)&gt;\\r")
        .contains("&quot;quoted&quot;")
        .contains("header\\0after-nul")
        .contains("SIGKILL &lt;not&gt; from &quot;us&quot;")
        .contains("Check the kernel log for &quot;Out of memory: Killed process&quot;;"
            + " lower the script&#39;s")
        .contains("signal 9 (SIGKILL)")
        .contains("30 ms")
        .contains("8192 KiB");
  }

  @Test
  void detailedTextShowsControlCharactersAndIndentsScriptOutput() {
    String text = render(Format.TEXT, true).text();

    assertThat(text).contains("    | \"quoted\" <script>alert('stderr')</script>\\r")
        .contains("    | Injected: header\\0after-nul")
        .contains("Script: " + PATH)
        .contains("Likely cause: " + Cause.KILLED_EXTERNALLY.title());
    assertThat(text.lines()).noneMatch(line -> line.startsWith("Injected:"));
  }

  @Test
  void detailedJsonParsesAndCarriesTheExactBytes() throws Exception {
    String raw = render(Format.JSON, true).text();
    JsonNode json = new ObjectMapper().readTree(raw);

    assertThat(raw).doesNotContain("<").doesNotContain(">").doesNotContain("&");

    assertThat(json.get("status").asInt()).isEqualTo(502);
    assertThat(json.get("kind").asText()).isEqualTo("killed-before-headers");
    assertThat(json.get("requestId").asText()).isEqualTo(REQUEST_ID);
    assertThat(json.get("attemptCount").asInt()).isEqualTo(2);
    assertThat(json.get("headersReceived").asText()).isEqualTo(HEADERS);
    assertThat(json.get("cause").get("id").asText()).isEqualTo("killed-externally");
    JsonNode first = json.get("attempts").get(0);
    assertThat(first.get("stderrTail").asText()).isEqualTo(STDERR);
    assertThat(first.get("script").asText()).isEqualTo(PATH);
    assertThat(first.get("termination").get("signalName").asText()).isEqualTo("SIGKILL");
    assertThat(first.get("termination").get("cpuMillis").asLong()).isEqualTo(30);
  }

  @Test
  void plainJsonParsesAndHasNoEvidence() throws Exception {
    JsonNode json = new ObjectMapper().readTree(render(Format.JSON, false).body());

    assertThat(json.get("kind").asText()).isEqualTo("killed-before-headers");
    assertThat(json.get("headersHidden").asBoolean()).isTrue();
    assertThat(json.has("attempts")).isFalse();
    assertThat(json.has("cause")).isFalse();
  }

  @Test
  void overloadHasNoAttemptsAndNoIisSentence() {
    String text = DiagnosticPage.standard(HttpStatus::getMessage).render(Format.TEXT, true, "r1", 503,
        FailureKind.OVERLOADED, List.of(), Optional.empty()).text();

    assertThat(text).contains("503 Service Unavailable").contains("overloaded")
        .contains("Attempts: 0").doesNotContain("misbehaved");
  }

  @Test
  void customPageIsSentAsGiven() {
    byte[] page = "<h1>Sorry</h1>".getBytes(StandardCharsets.UTF_8);

    DiagnosticPage.Rendered rendered = DiagnosticPage.custom(page, "text/html", HttpStatus::getMessage)
        .render(Format.JSON, true, REQUEST_ID, 502, attempts(), DIAGNOSIS);

    assertThat(rendered.body()).isEqualTo(page);
    assertThat(rendered.contentType()).isEqualTo("text/html");
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(delimiter = '|', value = {
      "|HTML",
      "*/*|HTML",
      "text/html|HTML",
      "application/json|JSON",
      "text/plain|TEXT",
      "text/*|HTML",
      "application/json, text/html;q=0.9|JSON",
      "text/html;q=0.5, application/json;q=0.8|JSON",
      "text/plain, */*;q=0.1|TEXT",
      "*/*;q=0.1, application/json|JSON",
      "image/png|HTML",
      "application/json;q=0|HTML",
      "text/*;q=0.2, text/plain|TEXT"})
  void negotiatesTheFormatFromAccept(String accept, Format expected) {
    assertThat(Format.negotiate(accept)).isEqualTo(expected);
  }

  @Test
  void refusalsEscapeWhatTheyQuoteAndNameTheirFieldsLikeFailurePages() throws Exception {
    DiagnosticPage page = DiagnosticPage.standard(HttpStatus::getMessage);
    String reason = "no script at /cgi-bin/<img src=x>\r\nSet-Cookie: a=b";

    String html = page.refusal(Format.HTML, 404, reason, "req-1").text();
    String text = page.refusal(Format.TEXT, 404, reason, "req-1").text();
    DiagnosticPage.Rendered json = page.refusal(Format.JSON, 404, reason, "req-1");

    assertThat(html).contains("<title>404 Not Found</title>", "&lt;img src=x&gt;\\r\\nSet-Cookie")
        .doesNotContain("<img");
    assertThat(text).startsWith("404 Not Found\n").contains("\\r\\nSet-Cookie")
        .doesNotContain("\r");
    JsonNode node = new ObjectMapper().readTree(json.text());
    assertThat(json.contentType()).isEqualTo("application/json");
    assertThat(node.get("status").asInt()).isEqualTo(404);
    assertThat(node.get("reason").asText()).isEqualTo("Not Found");
    assertThat(node.get("message").asText()).isEqualTo(reason);
    assertThat(node.get("requestId").asText()).isEqualTo("req-1");
  }
}
