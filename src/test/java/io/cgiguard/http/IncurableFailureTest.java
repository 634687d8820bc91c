package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.failure.FailureKind;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A failure whose cause is diagnosed with certainty and lies in the script is not retried, even
 * where the retry rules would repeat its kind: one attempt, one copy of its stderr. A failure
 * without such a cause still gets every attempt.
 */
class IncurableFailureTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("""
        [retry]
        attempts = 3
        backoff = "1ms"
        max-backoff = "1ms"
        kinds = [%s]
        """.formatted(String.join(", ", FailureKind.retryCurableLabels().stream()
            .map(label -> "\"" + label + "\"").toList())));

  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      /startup-failures/perl-syntax-error.pl             | exited-before-headers | perl-compile-error
      /startup-failures/missing-interpreter-via-env.cgi  | exited-before-headers | missing-interpreter
      /startup-failures/shebang-crlf-via-env.cgi         | exited-before-headers | shebang-cr
      /startup-failures/shebang-crlf.cgi                 | spawn-failed          | shebang-cr
      /startup-failures/missing-interpreter.cgi          | spawn-failed          | missing-interpreter
      /startup-failures/shebang-windows-path.cgi         | spawn-failed          | shebang-windows-path
      /before-headers/body-first.cgi                     | malformed-headers     | body-before-headers
      /before-headers/header-without-colon.cgi           | malformed-headers     | header-without-colon
      /before-headers/many-header-lines.pl               | headers-too-large     | headers-too-large
      """)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aCertainCauseInTheScriptIsTriedOnce(String path, String kind, String cause)
      throws Exception {
    HttpResponse<String> response = gateway.get(path, "Accept", "application/json");

    assertThat(response.headers().firstValue("X-Cgiguard-Failure")).hasValue(kind);
    assertThat(response.headers().firstValue("X-Cgiguard-Attempts")).hasValue("1");
    JsonNode page = JSON.readTree(response.body());
    assertThat(page.at("/cause/id").asText()).as(response.body()).isEqualTo(cause);
    assertThat(page.get("attempts")).hasSize(1);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFailureWithoutACertainCauseGetsEveryAttempt() throws Exception {
    HttpResponse<String> response = gateway.get("/before-headers/exit-before-any-output.cgi");

    assertThat(response.headers().firstValue("X-Cgiguard-Failure"))
        .hasValue("exited-before-headers");
    assertThat(response.headers().firstValue("X-Cgiguard-Attempts")).hasValue("3");
  }
}
