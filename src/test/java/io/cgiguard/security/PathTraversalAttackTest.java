package io.cgiguard.security;

import static io.cgiguard.security.SecurityGateway.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Path attacks from published CVEs, sent byte for byte: each is refused, and nothing outside the
 * mount is served or run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PathTraversalAttackTest {

  static SecurityGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = SecurityGateway.start("", "");
  }

  @BeforeEach
  void forget() throws Exception {
    gateway.forgetMarkers();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  /** Apache CVE-2021-41773: {@code .%2e} segments walk out of cgi-bin to /bin/sh. */
  @Test
  void apacheCve2021_41773DotPercent2eTraversalIsRejected() throws Exception {
    String body = "echo Content-Type: text/plain; echo; echo > " + gateway.markers + "/pwned";
    String answer = gateway.raw("POST /security/.%2e/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1\r\n"
        + "Host: x\r\nConnection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertThat(status(answer)).isEqualTo(400);
    assertThat(gateway.marked("pwned")).isFalse();
  }

  /** Apache CVE-2021-42013: the double-encoded {@code %%32%65} that the first fix missed. */
  @ParameterizedTest
  @ValueSource(strings = {"/security/.%%32%65/.%%32%65/.%%32%65/etc/passwd",
      "/security/%%32%65%%32%65/%%32%65%%32%65/etc/passwd",
      "/security/%252e%252e/%252e%252e/etc/passwd",
      "/security/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
      "/security/..%5c..%5c..%5cetc/passwd",
      "/security/%2e%2e%2f%2e%2e%2fetc/passwd"})
  void apacheCve2021_42013DoubleEncodedTraversalIsRejected(String target) throws Exception {
    String answer = gateway.get(target);
    assertThat(status(answer)).isEqualTo(400);
    assertThat(answer).doesNotContain("root:x:0:0");
  }

  /** lighttpd CVE-2005-0453: {@code %00} cut the name so that a script was served as source. */
  @Test
  void lighttpdCve2005_0453EncodedNulIsRejected() throws Exception {
    String answer = gateway.get("/security/argv.sh%00.txt");
    assertThat(status(answer)).isEqualTo(400);
    assertThat(answer).doesNotContain("#!/bin/sh");
    assertThat(gateway.marked("argv")).isFalse();
  }

  /** Python CVE-2011-1015: {@code //cgi-bin/x} or {@code /cgi-bin/../} disclosed script source. */
  @ParameterizedTest
  @ValueSource(strings = {"//security/argv.sh", "/x/../security/argv.sh",
      "/security//argv.sh", "/./security/argv.sh"})
  void pythonCve2011_1015NeverDisclosesScriptSource(String target) throws Exception {
    String answer = gateway.get(target);
    assertThat(answer).doesNotContain("#!/bin/sh").doesNotContain("for arg in");
  }

  /** Python CVE-2014-4650: CGIHTTPServer decoded {@code %2e%2e} after checking the path. */
  @Test
  void pythonCve2014_4650EncodedDotDotIsRejectedBeforeMapping() throws Exception {
    String answer = gateway.get("/security/%2e%2e/responses/hello.sh");
    assertThat(status(answer)).isEqualTo(400);
    assertThat(answer).doesNotContain("Hello");
  }

  /** Windows source-disclosure spellings: trailing dot, trailing space, {@code ::$DATA}. */
  @ParameterizedTest
  @ValueSource(strings = {"/security/argv.sh.", "/security/argv.sh%20",
      "/security/argv.sh::$DATA", "/security/argv.sh%3a%3a$DATA", "/security/a%01b"})
  void windowsSourceDisclosureSpellingsAreRejected(String target) throws Exception {
    String answer = gateway.get(target);
    assertThat(status(answer)).isEqualTo(400);
    assertThat(answer).doesNotContain("for arg in");
  }

  /**
   * Jetty is told {@code UriCompliance.UNSAFE} so that cgiguard's decoder judges every path:
   * each ambiguity Jetty's default mode refuses must be refused here too (Tomcat's
   * {@code ..;/} path-parameter traversal, encoded separators, encoded {@code %}).
   */
  @ParameterizedTest
  @ValueSource(strings = {"/security/..;/responses/hello.sh", "/security/argv.sh;.txt/..",
      "/security/x%2f..%2f..%2fargv.sh", "/security/%2e/argv.sh", "/security/x/%2e%2e/argv.sh",
      "/security/argv%25%32%65sh", "/security/..%00/argv.sh"})
  void ambiguitiesJettyWouldRefuseAreRefusedByTheGateway(String target) throws Exception {
    String answer = gateway.get(target);
    assertThat(status(answer)).isIn(400, 404);
    assertThat(answer).doesNotContain("Hello").doesNotContain("for arg in");
    assertThat(gateway.marked("argv")).isFalse();
  }

  /** Jetty CVE-2023-36479: a script named {@code a" b} ran a different file under quoting. */
  @Test
  void jettyCve2023_36479QuotedNameRunsExactlyThatFile() throws Exception {
    Path dir = Files.createTempDirectory("cgiguard-quoted");
    Path quoted = dir.resolve("a\" b");
    Files.copy(SecurityGateway.FIXTURES.resolve("quoted.sh"), quoted);
    quoted.toFile().setExecutable(true);
    try (SecurityGateway quotedGateway = SecurityGateway.start("", """
        [[mount]]
        url = "/quoted/"
        dir = "%s"
        """.formatted(dir))) {
      String answer = quotedGateway.get("/quoted/a%22%20b");
      assertThat(status(answer)).isEqualTo(200);
      assertThat(answer).contains("RAN=/quoted/a\" b");
    } finally {
      Files.delete(quoted);
      Files.delete(dir);
    }
  }

  /** A symlink inside the mount that leads outside it runs only when the mount allows it. */
  @Test
  void symlinkLeadingOutOfTheMountIsNotExecutedUnlessAllowed() throws Exception {
    Path dir = Files.createTempDirectory("cgiguard-links");
    Path link = Files.createSymbolicLink(dir.resolve("outside.sh"),
        SecurityGateway.FIXTURES.resolve("argv.sh"));
    String mount = """
        [[mount]]
        url = "/links/"
        dir = "%s"
        follow-symlinks-outside = %s
        """;
    try (SecurityGateway linked = SecurityGateway.start("", mount.formatted(dir, false))) {
      assertThat(status(linked.get("/links/outside.sh"))).isEqualTo(403);
      assertThat(linked.marked("argv")).isFalse();
    }
    try (SecurityGateway allowed = SecurityGateway.start("", mount.formatted(dir, true))) {
      assertThat(status(allowed.get("/links/outside.sh"))).isEqualTo(200);
      assertThat(allowed.marked("argv")).isTrue();
    } finally {
      Files.delete(link);
      Files.delete(dir);
    }
  }
}
