package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Polling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP/1.1 client that leaves while its script has written nothing: Jetty does not read the
 * connection then, so before the watch of {@code SocketHangups} the gateway heard of it only at
 * its next write, and a silent script ran on to its 60 s header timeout for nobody.
 */
class ClientHangupTest {

  private static final String HANG = "/before-headers/hang-before-headers.sh?";
  private static TestGateway gateway;

  @TempDir
  Path temp;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start("[timeouts]\nheader = \"60s\"\n");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** @return a directory the script (run as nobody) can write its pid into */
  private Path pids() throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path pids = Files.createDirectories(temp.resolve("pids"));
    Files.setPosixFilePermissions(pids, PosixFilePermissions.fromString("rwxrwxrwx"));
    return pids;
  }

  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void aClientThatClosesWhileTheScriptIsSilentHasItsScriptStopped() throws Exception {
    Path pids = pids();
    long pid;
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(30))) {
      connection.send("GET " + HANG + pids + " HTTP/1.1\r\nHost: x\r\n\r\n");
      pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(10));
    }
    Duration took = ProcessTable.await(Duration.ofSeconds(10), () -> ProcessTable.gone(pid),
        "script " + pid + " stopped once its client closed");
    assertThat(took).as("long before the 60 s header timeout").isLessThan(Duration.ofSeconds(10));
    assertThat(Polling.eventually(Duration.ofSeconds(5),
        () -> gateway.metric("cgiguard_scripts_running") == 0)).isTrue();
  }

  /**
   * A client that shuts down its sending side and waits has left as far as HTTP/1.1 goes: nginx
   * takes it so for an upstream request too. The script is stopped and nothing is answered.
   */
  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void aClientThatShutsItsSideIsTakenForGone() throws Exception {
    Path pids = pids();
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(30))) {
      connection.send("GET " + HANG + pids + " HTTP/1.1\r\nHost: x\r\n\r\n");
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(10));
      connection.shutdownOutput();
      ProcessTable.await(Duration.ofSeconds(10), () -> ProcessTable.gone(pid),
          "script " + pid + " stopped once its client shut its side");
      assertThat(connection.readToClose()).as("no answer for a client that left").isEmpty();
    }
  }

  /**
   * Bytes of a pipelined next request are not a client leaving: the watch never reads, so the
   * slow first answer comes whole and the second request is served after it.
   */
  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void aPipelinedRequestDuringASlowScriptIsNoHangup() throws Exception {
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(30))) {
      String answers = connection.send("GET /responses/sleep-2s-then-answer.sh HTTP/1.1\r\n"
          + "Host: x\r\n\r\nGET /responses/hello.sh HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n").readToClose();
      assertThat(answers).startsWith("HTTP/1.1 200 ").contains("slept\n")
          .endsWith("hello\n");
      assertThat(answers.split("HTTP/1.1 200 ", -1)).hasSize(3);
    }
  }
}
