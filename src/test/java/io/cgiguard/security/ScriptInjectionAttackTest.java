package io.cgiguard.security;

import static io.cgiguard.security.SecurityGateway.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attacks that reach a script through its argv or environment: the script runs, but what the
 * attacker sent never becomes an argument, a proxy setting, a function or a smuggled name.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScriptInjectionAttackTest {

  static SecurityGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = SecurityGateway.start("", "");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  /** PHP-CGI CVE-2012-1823: {@code ?-s} and {@code ?-d ...} became interpreter switches. */
  @Test
  void phpCgiCve2012_1823SearchQueryNeverBecomesArgv() throws Exception {
    String answer = gateway.get("/security/argv.sh?-d+auto_prepend_file%3d/etc/passwd+-s");
    assertThat(status(answer)).isEqualTo(200);
    assertThat(answer).contains("ARGC=0");
    assertThat(Files.readString(gateway.markers.resolve("argv"))).isEmpty();
  }

  /** PHP-CGI CVE-2024-4577: soft hyphen {@code %AD} mapped to {@code -} on Windows code pages. */
  @Test
  void phpCgiCve2024_4577SoftHyphenQueryNeverBecomesArgv() throws Exception {
    String answer = gateway.get("/security/argv.sh?%ADd+allow_url_include%3d1+%ADd+"
        + "auto_prepend_file%3dphp://input");
    assertThat(status(answer)).isEqualTo(200);
    assertThat(answer).contains("ARGC=0");
    assertThat(Files.readString(gateway.markers.resolve("argv"))).isEmpty();
  }

  /** Tomcat CVE-2019-0232: with search queries enabled, only allow-listed words pass. */
  @Test
  void tomcatCve2019_0232ArgumentInjectionIsFilteredByTheAllowPattern() throws Exception {
    try (SecurityGateway enabled = SecurityGateway.start("", """
        [arguments]
        search-queries = true
        """)) {
      String answer = enabled.get("/security/argv.sh?safe+%26+touch+%2Fvar%2Fpwned+%7C+id");
      assertThat(status(answer)).isIn(200, 400);
      String argv = enabled.marked("argv") ? Files.readString(enabled.markers.resolve("argv"))
          : "";
      assertThat(argv).doesNotContain("&").doesNotContain("|").doesNotContain("/var/pwned");
      String plain = enabled.get("/security/argv.sh?one+two");
      assertThat(plain).contains("ARGC=2");
      assertThat(Files.readString(enabled.markers.resolve("argv"))).isEqualTo("one\ntwo\n");
    }
  }

  /** Shellshock CVE-2014-6271: a {@code () {} header value is defused before bash sees it. */
  @Test
  void shellshockCve2014_6271FunctionDefinitionIsNeutralised() throws Exception {
    String marker = gateway.markers.resolve("shocked").toString();
    String answer = gateway.raw("GET /security/shellshock.cgi HTTP/1.1\r\nHost: x\r\n"
        + "User-Agent: () { :; }; /usr/bin/touch " + marker + "\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(status(answer)).isEqualTo(200);
    assertThat(answer).doesNotContain("UA=() {");
    assertThat(gateway.marked("shocked")).isFalse();
  }

  /** httpoxy CVE-2016-5385: a {@code Proxy:} header must not become HTTP_PROXY. */
  @Test
  void httpoxyCve2016_5385ProxyHeaderNeverBecomesHttpProxy() throws Exception {
    String answer = gateway.raw("GET /responses/env.pl HTTP/1.1\r\nHost: x\r\n"
        + "Proxy: http://attacker.example:8080\r\nConnection: close\r\n\r\n");
    assertThat(status(answer)).isEqualTo(200);
    assertThat(answer).doesNotContain("HTTP_PROXY").doesNotContain("attacker.example");
  }

  /** Header names with {@code _} would collide with their {@code -} spelling: not exported. */
  @Test
  void underscoreHeaderCannotSmuggleAnotherVariable() throws Exception {
    String answer = gateway.raw("GET /responses/env.pl HTTP/1.1\r\nHost: x\r\n"
        + "X-Forwarded-For: 10.0.0.1\r\nX_Forwarded_For: 6.6.6.6\r\nConnection: close\r\n\r\n");
    assertThat(status(answer)).isIn(200, 400);
    assertThat(answer).doesNotContain("6.6.6.6");
  }

  /** Apache CGIPassAuth: credentials reach a script only when the mount says so. */
  @Test
  void authorizationIsNotPassedUnlessTheMountAllowsIt() throws Exception {
    String request = "GET /responses/env.pl HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Basic c2VjcmV0OnBhc3N3b3Jk\r\nConnection: close\r\n\r\n";
    assertThat(gateway.raw(request)).doesNotContain("c2VjcmV0OnBhc3N3b3Jk");
    try (SecurityGateway passing = SecurityGateway.start("pass-authorization = true", "")) {
      assertThat(passing.raw(request))
          .contains("HTTP_AUTHORIZATION=Basic c2VjcmV0OnBhc3N3b3Jk");
    }
  }
}
