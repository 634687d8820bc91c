package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a client sees when a fixture script dies before its response
 * headers are complete: for every failure kind and cause, the status, the failure and request id
 * headers and the page, in HTML, JSON and text, for a local client (evidence and cause shown)
 * and a remote one (only the kind, the IIS sentence and the request id).
 */
class PrematureTerminationTest {

  private static final String IIS =
      "The specified CGI application misbehaved by not returning a complete set of HTTP headers.";
  /**
   * One attempt a request, so the slow fixtures stay quick; retries have their own tests. The
   * address space leaves perl room for itself (under 64 MiB its own small allocations could fail
   * first, in places that end it by a signal) while the 512 MiB fixture still cannot have its
   * block.
   */
  private static final String LIMITS = """
      [limits]
      cpu = "1s"
      address-space = "256MiB"
      max-header-bytes = "4KiB"
      [retry]
      attempts = 1
      """;
  /** Loopback is not in these networks, so the test client counts as remote. */
  static final String REMOTE = "local-clients = [\"192.0.2.0/24\"]";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A fixture and what the gateway must make of it. */
  record Fault(String script, String timeouts, int status, String kind, String cause,
      String evidence) {
    /** @return the script's file name, without its directory under test-scripts */
    String name() {
      return script.substring(script.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
      return script;
    }
  }

  static List<Fault> faults() {
    String quickHeader = "[timeouts]\nheader = \"1s\"\n";
    String slowHeader = "[timeouts]\nheader = \"20s\"\n";
    return List.of(
        new Fault("before-headers/exit-before-any-output.cgi", "", 502, "exited-before-headers",
            null, "about to fail"),
        new Fault("startup-failures/shebang-crlf.cgi", "", 502, "spawn-failed", "shebang-cr",
            "ENOENT"),
        new Fault("startup-failures/missing-interpreter.cgi", "", 502, "spawn-failed",
            "missing-interpreter", "no-such-perl"),
        new Fault("before-headers/body-first.cgi", "", 502, "malformed-headers",
            "body-before-headers", "hello"),
        new Fault("before-headers/header-without-colon.cgi", "", 502, "malformed-headers",
            "header-without-colon", "this line has no colon"),
        new Fault("startup-failures/perl-syntax-error.pl", "", 502, "exited-before-headers",
            "perl-compile-error", "syntax error"),
        new Fault("resources/spin-cpu.sh", slowHeader, 502, "killed-before-headers", "cpu-limit",
            "SIGXCPU"),
        new Fault("resources/allocate-512mib.pl", "", 502, "exited-before-headers",
            "memory-limit", "Out of memory!"),
        new Fault("before-headers/sigkill-self.cgi", "", 502, "killed-before-headers",
            "killed-externally", "SIGKILL"),
        new Fault("before-headers/segfault.sh", "", 502, "killed-before-headers", "crashed",
            "SIGSEGV"),
        new Fault("startup-failures/exit-128-silent.sh", "", 502, "exited-before-headers",
            "nt-init-failure", "128"),
        new Fault("before-headers/many-header-lines.pl", "", 502, "headers-too-large",
            "headers-too-large", "X-Filler-1:"),
        new Fault("before-headers/close-stdout-early.cgi", "", 502, "incomplete-headers",
            "stdout-closed-early", "Content-Type: text/plain"),
        new Fault("startup-failures/shebang-windows-path.cgi", "", 502, "spawn-failed",
            "shebang-windows-path", "perl.exe"),
        new Fault("before-headers/hang-before-headers.sh", quickHeader, 504, "header-timeout",
            "header-timeout", "SIGTERM"));
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Fault fault : faults()) {
      for (String accept : List.of("text/html", "application/json", "text/plain")) {
        cases.add(Arguments.of(fault, accept));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} as {1} to a local client")
  @MethodSource("cases")
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void localClientSeesKindEvidenceAndCause(Fault fault, String accept) throws Exception {
    try (TestGateway gateway = TestGateway.start(LIMITS + fault.timeouts())) {
      HttpResponse<String> response = gateway.get("/" + fault.script(), "Accept", accept);

      String requestId = assertFailureHead(response, fault, accept);
      String page = response.body();
      assertThat(page).contains(requestId).contains(fault.kind()).contains(fault.evidence());
      if (fault.cause() != null) {
        assertThat(page).contains(fault.cause());
      }
      if (accept.equals("application/json")) {
        JsonNode json = JSON.readTree(page);
        assertThat(json.get("status").asInt()).isEqualTo(fault.status());
        assertThat(json.get("kind").asText()).isEqualTo(fault.kind());
        assertThat(json.get("requestId").asText()).isEqualTo(requestId);
        assertThat(json.get("attempts")).hasSize(1);
        if (fault.cause() != null) {
          assertThat(json.at("/cause/id").asText()).isEqualTo(fault.cause());
          assertThat(json.at("/cause/fix").asText()).isNotBlank();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} as {1} to a remote client")
  @MethodSource("cases")
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void remoteClientSeesOnlyKindSentenceAndRequestId(Fault fault, String accept)
      throws Exception {
    try (TestGateway gateway = TestGateway.start(REMOTE, LIMITS + fault.timeouts())) {
      HttpResponse<String> response = gateway.get("/" + fault.script(), "Accept", accept);

      String requestId = assertFailureHead(response, fault, accept);
      String page = response.body();
      assertThat(page).contains(requestId).contains(fault.kind())
          .doesNotContain(fault.evidence())
          .doesNotContain(fault.name())
          .doesNotContain("test-scripts")
          .doesNotContain("Likely cause");
      if (fault.cause() != null) {
        assertThat(page).doesNotContain("\"cause\"").doesNotContain("Fix:");
      }
      if (!fault.kind().equals("spawn-failed")) {
        assertThat(page).contains(IIS);
      }
      if (accept.equals("application/json")) {
        JsonNode json = JSON.readTree(page);
        assertThat(json.has("cause")).isFalse();
        assertThat(json.has("attempts")).isFalse();
        assertThat(json.path("headersReceived").isNull() || json.path("headersReceived")
            .isMissingNode()).isTrue();
        assertThat(json.get("requestId").asText()).isEqualTo(requestId);
      }
    }
  }

  /** Checks status, failure kind, attempts and content type; returns the request id. */
  private static String assertFailureHead(HttpResponse<String> response, Fault fault,
      String accept) {
    assertThat(response.statusCode()).isEqualTo(fault.status());
    assertThat(response.headers().firstValue("X-Cgiguard-Failure"))
        .as("failure kind of %s; the page said: %s", fault.script(), response.body()).hasValue(fault.kind());
    assertThat(response.headers().firstValue("X-Cgiguard-Attempts")).hasValue("1");
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith(accept));
    String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(requestId).isNotBlank();
    return requestId;
  }
}
