package io.cgiguard.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.cgi.EnvironmentPolicy.ShellshockValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetaVariablesTest {

  private final List<ShellshockValue> shellshocks = new ArrayList<>();

  private EnvironmentPolicy policy(boolean passAuthorization, boolean neutralise,
      Map<String, String> passed) {
    return new EnvironmentPolicy(passed, passAuthorization, neutralise, "cgiguard/test",
        shellshocks::add);
  }

  private EnvironmentPolicy defaults() {
    return policy(false, true, Map.of("PATH", "/usr/bin:/bin"));
  }

  private static CgiRequest request(List<HeaderField> headers) {
    return new CgiRequest("POST", "/cgi-bin/env.pl/a%20b/c?x=1&y=%20", "x=1&y=%20",
        "/cgi-bin/env.pl", "/a b/c", Path.of("/srv/cgi-bin/env.pl"), Path.of("/srv/www"),
        headers, "203.0.113.7", 54321, "example.org", 8443, "HTTP/1.1", true,
        Optional.of("Basic"), Optional.of("alice"), OptionalLong.of(42),
        Optional.of("application/x-www-form-urlencoded"));
  }

  private static CgiRequest bare() {
    return new CgiRequest("GET", "/cgi-bin/env.pl", "", "/cgi-bin/env.pl", "",
        Path.of("/srv/cgi-bin/env.pl"), Path.of("/srv/www"), List.of(), "::1", 1, "localhost",
        80, "HTTP/1.0", false, Optional.empty(), Optional.empty(), OptionalLong.empty(),
        Optional.empty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      AUTH_TYPE          | Basic
      CONTENT_LENGTH     | 42
      CONTENT_TYPE       | application/x-www-form-urlencoded
      GATEWAY_INTERFACE  | CGI/1.1
      PATH_INFO          | /a b/c
      PATH_TRANSLATED    | /srv/www/a b/c
      QUERY_STRING       | x=1&y=%20
      REMOTE_ADDR        | 203.0.113.7
      REMOTE_HOST        | 203.0.113.7
      REMOTE_PORT        | 54321
      REMOTE_USER        | alice
      REQUEST_METHOD     | POST
      REQUEST_URI        | /cgi-bin/env.pl/a%20b/c?x=1&y=%20
      SCRIPT_NAME        | /cgi-bin/env.pl
      SCRIPT_FILENAME    | /srv/cgi-bin/env.pl
      SERVER_NAME        | example.org
      SERVER_PORT        | 8443
      SERVER_PROTOCOL    | HTTP/1.1
      SERVER_SOFTWARE    | cgiguard/test
      DOCUMENT_ROOT      | /srv/www
      HTTPS              | on
      REDIRECT_STATUS    | 200
      PATH               | /usr/bin:/bin
      """)
  void everyMetaVariableOfAFullRequest(String variable, String value) {
    Map<String, String> env = MetaVariables.build(request(List.of()), defaults());

    assertThat(env).containsEntry(variable, value);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = """
      AUTH_TYPE
      CONTENT_LENGTH
      CONTENT_TYPE
      PATH_TRANSLATED
      REMOTE_USER
      HTTPS
      """)
  void absentWhenTheRequestHasNoSuchFact(String variable) {
    Map<String, String> env = MetaVariables.build(bare(), defaults());

    assertThat(env).doesNotContainKey(variable);
  }

  @Test
  void queryStringAndPathInfoArePresentEvenWhenEmpty() {
    Map<String, String> env = MetaVariables.build(bare(), defaults());

    assertThat(env).containsEntry("QUERY_STRING", "").containsEntry("PATH_INFO", "");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      simple              | User-Agent          | curl/8         | HTTP_USER_AGENT       | curl/8
      case folded         | x-forwarded-for     | 10.0.0.1       | HTTP_X_FORWARDED_FOR  | 10.0.0.1
      digits              | X-Api-V2            | yes            | HTTP_X_API_V2         | yes
      authorization off   | Authorization       | Basic eA==     | HTTP_AUTHORIZATION    |
      httpoxy             | Proxy               | http://evil/   | HTTP_PROXY            |
      content length      | Content-Length      | 42             | HTTP_CONTENT_LENGTH   |
      content type        | Content-Type        | text/plain     | HTTP_CONTENT_TYPE     |
      underscore          | X_Forwarded_For     | 1.2.3.4        | HTTP_X_FORWARDED_FOR  |
      dot                 | X.Dot               | 1              | HTTP_X.DOT            |
      proxy authorization | Proxy-Authorization | Basic eA==     | HTTP_PROXY_AUTHORIZATION |
      connection          | Connection          | keep-alive     | HTTP_CONNECTION       |
      transfer encoding   | Transfer-Encoding   | chunked        | HTTP_TRANSFER_ENCODING |
      upgrade             | Upgrade             | websocket      | HTTP_UPGRADE          |
      NUL value dropped   | X-Nul               | a\u0000b       | HTTP_X_NUL            |
      """)
  void headerFieldsBecomeHttpVariablesOnlyWhenSafe(String category, String name, String value,
      String variable, String expected) {
    HeaderField field = new HeaderField(name, value.replace("\\u0000", "\0"));

    Map<String, String> env = MetaVariables.build(request(List.of(field)), defaults());

    if (expected == null) {
      assertThat(env).as(category).doesNotContainKey(variable);
    } else {
      assertThat(env).as(category).containsEntry(variable, expected);
    }
  }

  @Test
  void authorizationPassesWhenThePolicySaysSo() {
    CgiRequest request = request(List.of(new HeaderField("Authorization", "Basic eA==")));

    Map<String, String> env = MetaVariables.build(request, policy(true, true, Map.of()));

    assertThat(env).containsEntry("HTTP_AUTHORIZATION", "Basic eA==");
  }

  @Test
  void repeatedFieldsAreCombinedCookiesWithSemicolons() {
    CgiRequest request = request(List.of(
        new HeaderField("Accept", "text/html"), new HeaderField("Cookie", "a=1"),
        new HeaderField("accept", "*/*"), new HeaderField("cookie", "b=2")));

    Map<String, String> env = MetaVariables.build(request, defaults());

    assertThat(env).containsEntry("HTTP_ACCEPT", "text/html, */*")
        .containsEntry("HTTP_COOKIE", "a=1; b=2");
  }

  @Test
  void metaVariablesWinOverPassedAndPassedOverHeaders() {
    CgiRequest request = request(List.of(new HeaderField("X-Site", "from-client")));
    EnvironmentPolicy policy = policy(false, true,
        Map.of("SCRIPT_NAME", "/spoofed", "HTTP_X_SITE", "from-config"));

    Map<String, String> env = MetaVariables.build(request, policy);

    assertThat(env).containsEntry("SCRIPT_NAME", "/cgi-bin/env.pl")
        .containsEntry("HTTP_X_SITE", "from-config");
  }

  @Test
  void passedValuesWithNulOrBadNamesAreDropped() {
    EnvironmentPolicy policy = policy(false, true, Map.of("BAD", "a\0b", "A=B", "c", "OK", "d"));

    Map<String, String> env = MetaVariables.build(bare(), policy);

    assertThat(env).doesNotContainKeys("BAD", "A=B").containsEntry("OK", "d");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      classic             | '() { :;}; echo pwned'
      leading space       | '  () { :; }; id'
      leading tab         | '\t() { _; } >_[$($())] { id; }'
      no space            | '(){ :;}; id'
      """)
  void shellshockValuesAreEmptiedAndReported(String category, String value) {
    CgiRequest request = request(List.of(new HeaderField("User-Agent",
        value.replace("\\t", "\t"))));

    Map<String, String> env = MetaVariables.build(request, defaults());

    assertThat(env).as(category).containsEntry("HTTP_USER_AGENT", "");
    assertThat(shellshocks).containsExactly(new ShellshockValue("HTTP_USER_AGENT", true));
  }

  @Test
  void shellshockIsFoundInMetaVariablesToo() {
    CgiRequest bare = bare();
    CgiRequest request = new CgiRequest(bare.method(), bare.requestUri(), "() { :;}; id",
        bare.scriptName(), bare.pathInfo(), bare.scriptFile(), bare.documentRoot(),
        bare.headers(), bare.remoteAddress(), bare.remotePort(), bare.serverName(),
        bare.serverPort(), bare.protocol(), bare.secure(), bare.authType(), bare.remoteUser(),
        bare.contentLength(), bare.contentType());

    Map<String, String> env = MetaVariables.build(request, defaults());

    assertThat(env).containsEntry("QUERY_STRING", "");
    assertThat(shellshocks).containsExactly(new ShellshockValue("QUERY_STRING", true));
  }

  @Test
  void shellshockIsOnlyReportedWhenNeutralisingIsOff() {
    CgiRequest request = request(List.of(new HeaderField("Referer", "() { :;}; id")));

    Map<String, String> env = MetaVariables.build(request, policy(false, false, Map.of()));

    assertThat(env).containsEntry("HTTP_REFERER", "() { :;}; id");
    assertThat(shellshocks).containsExactly(new ShellshockValue("HTTP_REFERER", false));
  }

  @Test
  void harmlessParenthesesAreLeftAlone() {
    CgiRequest request = request(List.of(new HeaderField("X-Note", "(c) 2024 () {}")));

    Map<String, String> env = MetaVariables.build(request, defaults());

    assertThat(env).containsEntry("HTTP_X_NOTE", "(c) 2024 () {}");
    assertThat(shellshocks).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      front server's fact kept   | REMOTE_ADDR         | 198.51.100.9  | 198.51.100.9
      custom param kept          | GIT_PROJECT_ROOT    | /srv/git      | /srv/git
      httpoxy dropped            | HTTP_PROXY          | http://evil/  |
      hop-by-hop field dropped   | HTTP_CONNECTION     | close         |
      credentials dropped        | HTTP_AUTHORIZATION  | Basic eA==    |
      empty CONTENT_LENGTH gone  | CONTENT_LENGTH      | ''            |
      NUL dropped                | HTTP_X_A            | 'a<NUL>b'     |
      shellshock emptied         | HTTP_USER_AGENT     | '() { :;}; id' | ''
      """)
  void frontServerParamsBecomeTheEnvironmentUnderTheSameRules(String category, String name,
      String value, String expected) {
    Map<String, String> env = MetaVariables.forwarded(Map.of(name, value.replace("<NUL>", "\0")),
        Path.of("/srv/cgi-bin/env.pl"), defaults());

    if (expected == null) {
      assertThat(env).as(category).doesNotContainKey(name);
    } else {
      assertThat(env).as(category).containsEntry(name, expected);
    }
  }

  @Test
  void namedScriptRunsAsItsRealPathWhateverTheFrontServerSaid() {
    Map<String, String> env = MetaVariables.forwarded(Map.of("SCRIPT_FILENAME",
        "/srv/cgi-bin/link.pl", "SERVER_SOFTWARE", "nginx/1.22.1", "PATH", "/evil"),
        Path.of("/srv/real/env.pl"), defaults());

    assertThat(env).containsEntry("SCRIPT_FILENAME", "/srv/real/env.pl")
        .containsEntry("PATH", "/usr/bin:/bin")
        .containsEntry("SERVER_SOFTWARE", "nginx/1.22.1").containsEntry("GATEWAY_INTERFACE",
            "CGI/1.1").containsEntry("REDIRECT_STATUS", "200");
  }

  /**
   * Jetty and the FastCGI reader hand over each header byte as one ISO-8859-1 character; the
   * environment is written as UTF-8. A value the client sent as UTF-8 must reach the script as
   * those same bytes, not encoded a second time; a value that is not UTF-8 keeps its characters.
   */
  @Test
  void headerBytesSentAsUtf8ReachTheScriptUnchanged() {
    String sentAsUtf8 = new String("é ✓".getBytes(StandardCharsets.UTF_8),
        StandardCharsets.ISO_8859_1);
    CgiRequest request = request(List.of(new HeaderField("X-Utf", sentAsUtf8),
        new HeaderField("X-Latin", "\u00e9"), new HeaderField("X-Ascii", "plain")));

    Map<String, String> env = MetaVariables.build(request, defaults());

    assertThat(env.get("HTTP_X_UTF").getBytes(StandardCharsets.UTF_8))
        .isEqualTo("é ✓".getBytes(StandardCharsets.UTF_8));
    assertThat(env).containsEntry("HTTP_X_LATIN", "\u00e9").containsEntry("HTTP_X_ASCII", "plain");

    Map<String, String> forwarded = MetaVariables.forwarded(Map.of("PATH_INFO", "/" + sentAsUtf8,
        "HTTP_COOKIE", "name=" + sentAsUtf8), Path.of("/srv/real/env.pl"), defaults());
    assertThat(forwarded).containsEntry("PATH_INFO", "/é ✓").containsEntry("HTTP_COOKIE",
        "name=é ✓");
  }
}
