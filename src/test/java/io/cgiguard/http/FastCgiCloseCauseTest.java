package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A FastCGI connection that ends normally hands Jetty a cause of its own, which must stay cheap:
 * with nginx's connection per request, a filled stack trace here is paid on every request.
 * (That connections still close, abort and drain as they should, the listener's and nginx's
 * tests say.)
 */
class FastCgiCloseCauseTest {

  @Test
  void theCausesOfANormalEndCarryNoStackTrace() {
    assertThat(new FastCgiConnection.Closed().getStackTrace()).isEmpty();
    FastCgiConnection.FrontServerClosed frontServer = new FastCgiConnection.FrontServerClosed();
    assertThat(frontServer.getStackTrace()).isEmpty();
    assertThat(frontServer).hasMessage("the front server closed the connection");
  }
}
