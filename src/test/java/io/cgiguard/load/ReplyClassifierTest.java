package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplyClassifierTest {

  private static final ReplyClassifier ANY = new ReplyClassifier(Expectations.ANY);

  static Stream<Arguments> signatures() {
    return Stream.of(
        Arguments.of("plain 200", answered(200, Map.of(), "hello"), "ok"),
        Arguments.of("redirect", answered(302, Map.of("location", "/x"), ""), "ok"),
        Arguments.of("gateway failure header",
            answered(502, Map.of("x-cgiguard-failure", "exited-before-headers"), "page"),
            "cgiguard-exited-before-headers"),
        Arguments.of("gateway header wins over status",
            answered(503, Map.of("x-cgiguard-failure", "circuit-open"), ""),
            "cgiguard-circuit-open"),
        Arguments.of("gateway header value is sanitised",
            answered(502, Map.of("x-cgiguard-failure", "Odd <Kind>"), ""),
            "cgiguard-odd__kind_"),
        Arguments.of("IIS 6 CGI Error", answered(502, Map.of(), ForeignPages.IIS6_CGI_ERROR),
            "iis-cgi-error"),
        Arguments.of("IIS 7 502.2", answered(502, Map.of(), ForeignPages.IIS7_BAD_GATEWAY),
            "iis-cgi-error"),
        Arguments.of("IIS 6 on a 500", answered(500, Map.of(), ForeignPages.IIS6_CGI_ERROR),
            "iis-cgi-error"),
        Arguments.of("Apache 500 wrapped over lines",
            answered(500, Map.of(), ForeignPages.APACHE_500), "apache-internal-error"),
        Arguments.of("nginx 502 by its footer", answered(502, Map.of(), ForeignPages.NGINX_502),
            "nginx-bad-gateway"),
        Arguments.of("nginx 502 by Server header",
            answered(502, Map.of("server", "nginx/1.25.0"), "bad"), "nginx-bad-gateway"),
        Arguments.of("nginx 504", answered(504, Map.of(), ForeignPages.NGINX_504),
            "nginx-gateway-timeout"),
        Arguments.of("a bare 500", answered(500, Map.of(), "oops"), "http-500"),
        Arguments.of("a 404", answered(404, Map.of(), "not here"), "http-404"),
        Arguments.of("CGI Error words on a 200 are content",
            answered(200, Map.of(), "CGI Error explained"), "ok"),
        Arguments.of("truncated body",
            new Reply.Answered(200, Map.of(), bytes("hal"), false), "truncated-body"),
        Arguments.of("gateway header on a truncated body",
            new Reply.Answered(502, Map.of("x-cgiguard-failure", "header-timeout"), bytes(""),
                false), "cgiguard-header-timeout"),
        Arguments.of("empty reply", new Reply.Empty(), "empty-reply"),
        Arguments.of("malformed", new Reply.Malformed("bad status line"), "malformed-response"),
        Arguments.of("connect error", new Reply.ConnectFailed("refused"), "connect-error"),
        Arguments.of("timeout", new Reply.TimedOut(), "timeout"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signatures")
  void namesEachSignature(String name, Reply reply, String category) {
    assertThat(ANY.classify(reply)).isEqualTo(category);
  }

  @Test
  void expectedStatusesReplaceTheBelow400Rule() {
    ReplyClassifier classifier =
        new ReplyClassifier(new Expectations(Set.of(404, 200), Optional.empty()));

    assertThat(classifier.classify(answered(404, Map.of(), ""))).isEqualTo("ok");
    assertThat(classifier.classify(answered(201, Map.of(), ""))).isEqualTo("http-201");
  }

  @Test
  void expectedBodyMustBeFound() {
    ReplyClassifier classifier = new ReplyClassifier(
        new Expectations(Set.of(), Optional.of(Pattern.compile("wor+ld"))));

    assertThat(classifier.classify(answered(200, Map.of(), "hello world!"))).isEqualTo("ok");
    assertThat(classifier.classify(answered(200, Map.of(), "hello there")))
        .isEqualTo("unexpected-body");
  }

  @Test
  void knownFailurePagesStayFailuresEvenWhenTheirStatusIsExpected() {
    ReplyClassifier classifier =
        new ReplyClassifier(new Expectations(Set.of(502), Optional.empty()));

    assertThat(classifier.classify(answered(502, Map.of(), ForeignPages.NGINX_502)))
        .isEqualTo("nginx-bad-gateway");
  }

  private static Reply.Answered answered(int status, Map<String, String> headers, String body) {
    return new Reply.Answered(status, headers, bytes(body), true);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
