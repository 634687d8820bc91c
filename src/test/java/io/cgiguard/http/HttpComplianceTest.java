package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Request smuggling shapes (RFC 9112 §6.1 and §6.3) stay refused with the connector settings of
 * {@link JettyAssembly}: Jetty's default {@code HttpCompliance} answers 400 and closes, so no
 * second request hidden in the first reaches a script. Sent byte for byte on a raw socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpComplianceTest {

  private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/1\\.1 \\d{3} ");

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      Content-Length with Transfer-Encoding | Content-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\n
      two different Content-Lengths         | Content-Length: 5\\r\\nContent-Length: 6\\r\\n
      Content-Length list                   | Content-Length: 5, 6\\r\\n
      Transfer-Encoding not ending chunked  | Transfer-Encoding: chunked, identity\\r\\n
      obs-fold header line                  | X-A: a\\r\\n b\\r\\n
      space before colon                    | Content-Length : 5\\r\\n
      """)
  void smugglingShapeIsRefusedAndTheHiddenRequestNeverRuns(String shape, String fields)
      throws Exception {
    String hidden = "GET /responses/hello.sh HTTP/1.1\r\nHost: localhost\r\n\r\n";
    String request = "POST /static.txt HTTP/1.1\r\nHost: localhost\r\n"
        + fields.replace("\\r\\n", "\r\n") + "\r\n0\r\n\r\n" + hidden;
    String response = gateway.raw(request, Duration.ofSeconds(20));
    assertThat(response).as(shape).startsWith("HTTP/1.1 400 ");
    assertThat(STATUS_LINE.matcher(response).results().count()).as("responses on the connection")
        .isEqualTo(1);
  }
}
