package io.cgiguard.security;

import static io.cgiguard.security.SecurityGateway.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IIS-style request filtering: each limit answers its status and the script never runs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestFilteringLimitTest {

  static SecurityGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = SecurityGateway.start("allowed-methods = [\"GET\", \"HEAD\"]", """
        [request]
        max-url-length = 200
        max-query-length = 50
        max-header-count = 20
        max-header-bytes = "2KiB"
        max-body-size = "1KiB"
        """);
  }

  @BeforeEach
  void forget() throws Exception {
    gateway.forgetMarkers();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void urlLongerThanMaxUrlLengthIs414() throws Exception {
    String answer = gateway.get("/security/argv.sh/" + "a".repeat(300));
    assertThat(status(answer)).isEqualTo(414);
    assertThat(gateway.marked("argv")).isFalse();
  }

  @Test
  void queryLongerThanMaxQueryLengthIs414() throws Exception {
    String answer = gateway.get("/security/argv.sh?q=" + "b".repeat(60));
    assertThat(status(answer)).isEqualTo(414);
    assertThat(gateway.marked("argv")).isFalse();
  }

  @Test
  void moreHeadersThanMaxHeaderCountIs431() throws Exception {
    StringBuilder request = new StringBuilder("GET /security/argv.sh HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 30; i++) {
      request.append("X-H").append(i).append(": v\r\n");
    }
    String answer = gateway.raw(request.append("Connection: close\r\n\r\n").toString());
    assertThat(status(answer)).isEqualTo(431);
    assertThat(gateway.marked("argv")).isFalse();
  }

  @Test
  void headBiggerThanMaxHeaderBytesIs431() throws Exception {
    String answer = gateway.raw("GET /security/argv.sh HTTP/1.1\r\nHost: x\r\nX-Big: "
        + "c".repeat(4000) + "\r\nConnection: close\r\n\r\n");
    assertThat(status(answer)).isEqualTo(431);
    assertThat(gateway.marked("argv")).isFalse();
  }

  @Test
  void bodyBiggerThanMaxBodySizeIs413() throws Exception {
    try (SecurityGateway posting = SecurityGateway.start("", """
        [request]
        max-body-size = "1KiB"
        """)) {
      String answer = posting.raw("POST /security/argv.sh HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\nContent-Length: 4096\r\n\r\n" + "d".repeat(4096));
      assertThat(status(answer)).isEqualTo(413);
      assertThat(posting.marked("argv")).isFalse();
    }
  }

  @Test
  void methodNotAllowedByTheMountIs405() throws Exception {
    String answer = gateway.raw("DELETE /security/argv.sh HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(status(answer)).isEqualTo(405);
    assertThat(gateway.marked("argv")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/security/argv.sh.bak", "/security/argv.sh~", "/security/argv.swp",
      "/security/.git/config", "/.env", "/security/.htpasswd", "/x/.svn/entries",
      "/security/.GIT/config"})
  void deniedExtensionsAndHiddenSegmentsAre404(String target) throws Exception {
    String answer = gateway.get(target);
    assertThat(status(answer)).isEqualTo(404);
    assertThat(gateway.marked("argv")).isFalse();
  }
}
