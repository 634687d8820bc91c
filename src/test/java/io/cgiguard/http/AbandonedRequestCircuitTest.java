package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Polling;
import io.cgiguard.fastcgi.FastCgiRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request its front server abandons (nginx sends ABORT_REQUEST or closes when its client goes
 * away) has its script stopped, and that stop is not the script's failure: its circuit hears
 * nothing of it. Otherwise any client could open a slow script's circuit by giving up on a few
 * requests, and everyone would be refused with 503 for the circuit's open time.
 */
class AbandonedRequestCircuitTest {

  @TempDir
  Path temp;

  /** @return a directory the scripts (run as nobody) watch for a file named release */
  private Path gate() throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path gate = Files.createDirectory(temp.resolve("gate"));
    Files.setPosixFilePermissions(gate, PosixFilePermissions.fromString("rwxr-xr-x"));
    return gate;
  }

  /** @return a gateway on {@code socket} whose circuit opens after a few failures, for a minute */
  private static TestGateway quickCircuit(Path socket) throws Exception {
    return TestGateway.start("""
        [retry]
        attempts = 1
        [circuit]
        window = 20
        min-requests = 5
        failure-ratio = 0.5
        open-for = "60s"
        [fastcgi]
        listen = "unix:%s"
        """.formatted(socket));
  }

  /**
   * Sends {@code script} eight times, each abandoned with ABORT_REQUEST once it runs (once its
   * head is in, with {@code afterHead}), then releases the gate: the ninth must be answered.
   */
  private String abandonEightThenAsk(String script, Path gate, boolean afterHead)
      throws Exception {
    Path socket = temp.resolve("fcgi.sock");
    try (TestGateway gateway = quickCircuit(socket)) {
      for (int i = 0; i < 8; i++) {
        try (FastCgiWire wire = FastCgiWire.connect(socket)) {
          wire.send(FastCgiWire.get(1, false, script));
          if (afterHead) {
            assertThat(wire.read().orElseThrow().type()).as("the head of request %d", i)
                .isEqualTo(FastCgiRecord.STDOUT);
          } else {
            assertThat(Polling.eventually(Duration.ofSeconds(30),
                () -> gateway.metric("cgiguard_scripts_running") == 1)).isTrue();
          }
          wire.send(FastCgiWire.empty(FastCgiRecord.ABORT_REQUEST, 1));
          assertThat(Polling.eventually(Duration.ofSeconds(30),
              () -> gateway.metric("cgiguard_scripts_running") == 0))
              .as("the script of abandoned request %d was stopped", i).isTrue();
        }
      }
      Files.createFile(gate.resolve("release"));
      try (FastCgiWire wire = FastCgiWire.connect(socket)) {
        wire.send(FastCgiWire.get(1, false, script));
        return wire.answer(1).stdout();
      }
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void abandonedRequestsNeverOpenTheScriptsCircuit() throws Exception {
    Path gate = gate();
    assertThat(abandonEightThenAsk("/responses/wait-for-release.sh?" + gate, gate, false))
        .as("the circuit is still closed").startsWith("Status: 200").endsWith("released\n");
  }

  /**
   * The same for a request abandoned while its body is relayed: the script declared a length,
   * sent part of it, and was stopped because the front server gave up. The cut is the client's
   * doing, not a body-truncated failure of the script's.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void requestsAbandonedMidBodyNeverOpenTheScriptsCircuit() throws Exception {
    Path gate = gate();
    assertThat(abandonEightThenAsk("/after-headers/length-then-wait-for-release.sh?" + gate,
        gate, true)).as("the circuit is still closed").startsWith("Status: 200")
        .endsWith("first line\nreleased\n");
  }
}
