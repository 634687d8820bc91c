package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's time limits on a running script, checked by its periodic watchdog rather than a
 * timer per request: they must still fire, and a body longer than one relay buffer must still
 * arrive whole.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayTimeLimitsTest {

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("""
        [timeouts]
        header = "500ms"
        body-idle = "500ms"
        kill-grace = "200ms"
        linger = "300ms"
        """);

  @TempDir Path temp;

  /** @return a directory scripts running as nobody can leave their pid files in */
  private Path pids() throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    return FrontChecks.pidDirectory(temp);
  }

  /** Ends the processes whose pids a script left in {@code file}: they are out of the gateway's reach. */
  private static void killAll(Path file) throws Exception {
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void scriptSilentPastTheHeaderTimeoutGetsGatewayTimeout() throws Exception {
    long started = System.nanoTime();
    HttpResponse<String> response = gateway.get("/before-headers/hang-before-headers.sh");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue("X-Cgiguard-Failure")).hasValue("header-timeout");
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  /**
   * A process that left the script's group (setsid) still holds stdout after the header timeout
   * killed the group: the gateway closes its own end, and the client gets its 504 after the
   * grace, not when that process exits.
   */
  @Test
  void aProcessOutsideTheGroupHoldingStdoutDoesNotHoldTheTimeoutAnswer() throws Exception {
    Path pids = pids();
    try {
      long started = System.nanoTime();
      HttpResponse<String> response = gateway.get(
          "/before-headers/setsid-child-holds-stdout.sh?" + pids);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(response.headers().firstValue("X-Cgiguard-Failure")).hasValue("header-timeout");
      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(ProcessTable.awaitPid(pids.resolve("holder.pid"), Duration.ofSeconds(5)))
          .as("the holder ran").isPositive();
    } finally {
      killAll(pids.resolve("holder.pid"));
    }
  }

  /**
   * The leader dies of the timeout's SIGTERM, a member of its group ignores it and holds stdout:
   * SIGKILL still goes to the group once the kill grace is over.
   */
  @Test
  void aMemberIgnoringSigtermIsKilledWhenTheGraceEnds() throws Exception {
    Path pids = pids();
    try {
      HttpResponse<String> response = gateway.get(
          "/before-headers/member-ignores-sigterm.sh?" + pids);
      assertThat(response.statusCode()).isEqualTo(504);
      long member = ProcessTable.awaitPid(pids.resolve("member.pid"), Duration.ofSeconds(5));
      ProcessTable.await(Duration.ofSeconds(5), () -> ProcessTable.gone(member),
          "member " + member + " killed");
    } finally {
      killAll(pids.resolve("member.pid"));
    }
  }

  /**
   * The script answered and exited; a process outside its group keeps stdout open. After the
   * linger time the body ends cleanly, whole, without waiting for that process.
   */
  @Test
  void aBodyHeldOpenFromOutsideTheGroupEndsAfterTheLinger() throws Exception {
    Path pids = pids();
    try {
      long started = System.nanoTime();
      HttpResponse<String> response = gateway.get(
          "/after-headers/setsid-child-holds-stdout-after-body.sh?" + pids);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("answered\n");
      assertThat(took).isLessThan(Duration.ofSeconds(10));
    } finally {
      killAll(pids.resolve("holder.pid"));
    }
  }

  @Test
  void bodyStalledPastTheIdleTimeoutEndsTheConnectionWithoutACleanEnd() throws Exception {
    long started = System.nanoTime();
    String received = gateway.raw(
        "GET /after-headers/stall-after-first-line.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
        Duration.ofSeconds(20));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(received).startsWith("HTTP/1.1 200").contains("first line\n");
    // Chunked, and cut: the zero-length last chunk never comes.
    assertThat(received).doesNotEndWith("0\r\n\r\n");
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void bodyLongerThanOneRelayBufferArrivesWhole() throws Exception {
    HttpResponse<byte[]> response = gateway.getBytes("/responses/big.sh?3");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).hasSize(3 << 20);
  }
}
