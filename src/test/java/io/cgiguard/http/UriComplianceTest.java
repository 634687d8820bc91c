package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link JettyAssembly} sets Jetty's {@code UriCompliance.UNSAFE} so that cgiguard's own decoder
 * judges every path. That is safe only if each ambiguity Jetty's default compliance would have
 * refused is refused by {@code RequestPath} instead (400), or, for {@code ;} path parameters
 * that cgiguard reads as part of a name, never resolved to another name (404): rows named after
 * Jetty's {@code UriCompliance} violations, sent byte for byte on a raw socket. The static file
 * or script behind the ambiguous spelling is never served.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UriComplianceTest {

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("");

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      AMBIGUOUS_PATH_SEGMENT encoded dot-dot   | /responses/%2e%2e/docroot/static.txt | 400
      AMBIGUOUS_PATH_SEGMENT mixed dot-dot     | /responses/.%2e/responses/hello.sh   | 400
      AMBIGUOUS_PATH_SEGMENT plain dot-dot     | /responses/../static.txt             | 400
      AMBIGUOUS_PATH_SEGMENT dot-dot parameter | /responses/..;/static.txt            | 400
      AMBIGUOUS_PATH_PARAMETER static dot-dot  | /nothing/..;/static.txt              | 400
      AMBIGUOUS_PATH_PARAMETER stripped name   | /static.txt;x                        | 404
      AMBIGUOUS_PATH_PARAMETER encoded dot-dot | /nothing/%2e%2e;x/static.txt         | 400
      AMBIGUOUS_PATH_PARAMETER into a mount    | /nothing/..;/responses/hello.sh      | 400
      AMBIGUOUS_PATH_SEGMENT dot segment       | /responses/./hello.sh                | 400
      AMBIGUOUS_PATH_SEPARATOR encoded slash   | /responses%2fhello.sh                | 400
      AMBIGUOUS_PATH_SEPARATOR encoded back    | /responses/%5c..%5cstatic.txt        | 400
      AMBIGUOUS_PATH_ENCODING double percent   | /responses/%252e%252e/static.txt     | 400
      UTF16_ENCODINGS percent-u dot            | /responses/%u002e%u002e/static.txt   | 400
      BAD_UTF8_ENCODING overlong dot           | /responses/%c0%ae%c0%ae/static.txt   | 400
      BAD_UTF8_ENCODING truncated sequence     | /static%e2%82.txt                    | 400
      SUSPICIOUS_PATH_CHARACTERS backslash     | /responses\\..\\static.txt           | 400
      SUSPICIOUS_PATH_CHARACTERS encoded NUL   | /static.txt%00.html                  | 400
      SUSPICIOUS_PATH_CHARACTERS encoded tab   | /static%09.txt                       | 400
      ILLEGAL_PATH_CHARACTERS raw DEL          | /static\u007f.txt                    | 400
      """)
  void ambiguityJettyWouldRejectIsRejectedByTheGateway(String violation, String target,
      int expected) throws Exception {
    String response = gateway.raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\n\r\n", Duration.ofSeconds(20));
    assertThat(response).as(violation).startsWith("HTTP/1.1 " + expected + " ");
    assertThat(response).as("no file or script served").doesNotContain("plain static file")
        .doesNotContain("#!/").doesNotContain("Hello");
  }
}
