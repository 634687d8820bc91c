package io.cgiguard.http;

import static io.cgiguard.Digests.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgiguard.Polling;
import io.cgiguard.fastcgi.FastCgiRecord;
import io.cgiguard.fastcgi.NameValuePairs;
import io.cgiguard.fastcgi.RecordWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FastCGI listener on the wire, record by record: what a front server may send besides the
 * plain requests nginx sends, and the socket it listens on.
 */
class FastCgiListenerTest {

  @TempDir
  Path temp;

  private TestGateway start(String extra) throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    return TestGateway.start("""
        [fastcgi]
        listen = "unix:%s"
        socket-owner = "nobody"
        socket-mode = "0600"
        """.formatted(socket()) + extra);
  }

  private Path socket() {
    return temp.resolve("fcgi.sock");
  }

  /** @return a gateway on a Unix socket whose drain waits {@code delay}, then up to 30 s */
  private TestGateway startDraining(String delay) throws Exception {
    return TestGateway.start("drain-delay = \"" + delay + "\"\ndrain-timeout = \"30s\"\n", """
        [fastcgi]
        listen = "unix:%s"
        """.formatted(socket()));
  }

  /**
   * @return a directory for wait-for-release.sh (run as nobody) to watch: the script answers once
   *     a file named release appears in it
   */
  private Path gate(String name) throws java.io.IOException {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path gate = Files.createDirectory(temp.resolve(name));
    Files.setPosixFilePermissions(gate, PosixFilePermissions.fromString("rwxr-xr-x"));
    return gate;
  }

  private static TestGateway startTcp(String extra) throws Exception {
    return TestGateway.start("""
        [fastcgi]
        listen = "127.0.0.1:0"
        """ + extra);
  }

  private static java.net.InetSocketAddress tcp(TestGateway gateway) {
    return new java.net.InetSocketAddress("127.0.0.1",
        gateway.server().fastCgi().orElseThrow().port());
  }

  /** nginx's cgit recipe in a server without a server_name sends both of these empty. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void emptyHttpHostAndServerNameStillMakeARequest() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(FastCgiWire.begin(1, false), FastCgiWire.params(1, java.util.Map.of(
          "REQUEST_METHOD", "GET", "REQUEST_URI", "/responses/hello.sh", "QUERY_STRING", "",
          "SERVER_PROTOCOL", "HTTP/1.1", "SERVER_NAME", "", "SERVER_PORT", "8080",
          "SERVER_ADDR", "127.0.0.1", "HTTP_HOST", "")),
          FastCgiWire.empty(io.cgiguard.fastcgi.FastCgiRecord.PARAMS, 1),
          FastCgiWire.empty(io.cgiguard.fastcgi.FastCgiRecord.STDIN, 1));
      assertThat(wire.answer(1).stdout()).startsWith("Status: 200").endsWith("hello\n");
    }
  }

  /**
   * A script's 304 reaches the front server with its validator and no Content-Length of 0, which
   * nginx would pass on and a cache take for the stored representation's length.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void aNotModifiedAnswerCarriesNoLengthOfZero() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(FastCgiWire.get(1, false, "/responses/not-modified.sh"));
      String stdout = wire.answer(1).stdout();
      assertThat(stdout).startsWith("Status: 304").contains("ETag: \"v1\"").endsWith("\r\n\r\n");
      assertThat(stdout.toLowerCase(java.util.Locale.ROOT)).doesNotContain("content-length");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aTcpListenerAnswersLoopbackPeersByDefault() throws Exception {
    try (TestGateway gateway = startTcp("");
        FastCgiWire wire = FastCgiWire.connect(tcp(gateway))) {
      wire.send(FastCgiWire.get(1, false, "/responses/hello.sh"));
      assertThat(wire.answer(1).stdout()).startsWith("Status: 200").endsWith("hello\n");
    }
  }

  /**
   * Draining, kept connections end as HTTP keep-alive ones do, so that a front server moves to
   * its next upstream: an idle one closes when the listener does, a busy one after its answer.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void drainingClosesIdleKeptConnectionsAndBusyOnesAfterTheirAnswer() throws Exception {
    Path gateA = gate("a");
    Path gateC = gate("c");
    try (TestGateway gateway = startDraining("200ms");
        FastCgiWire idle = FastCgiWire.connect(socket());
        FastCgiWire a = FastCgiWire.connect(socket());
        FastCgiWire c = FastCgiWire.connect(socket())) {
      FastCgiListener listener = gateway.server().fastCgi().orElseThrow();
      idle.send(FastCgiWire.get(1, true, "/responses/hello.sh"));
      assertThat(idle.answer(1).stdout()).endsWith("hello\n");
      a.send(FastCgiWire.get(1, true, "/responses/wait-for-release.sh?" + gateA));
      c.send(FastCgiWire.get(1, true, "/responses/wait-for-release.sh?" + gateC));
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(10),
          () -> listener.inFlight() == 2)).isTrue();

      java.util.concurrent.CompletableFuture<Void> drained =
          java.util.concurrent.CompletableFuture.runAsync(gateway.server()::drain);

      assertThat(java.util.concurrent.CompletableFuture.supplyAsync(() -> nextRecord(idle))
          .get(10, TimeUnit.SECONDS)).as("the idle kept connection closed").isEmpty();
      Files.createFile(gateA.resolve("release"));
      assertThat(a.answer(1).stdout()).endsWith("released\n");
      assertThat(java.util.concurrent.CompletableFuture.supplyAsync(() -> nextRecord(a))
          .get(10, TimeUnit.SECONDS)).as("the kept connection closed after its answer").isEmpty();
      assertThat(listener.inFlight()).as("c still runs: the drain is not over").isEqualTo(1);
      assertThat(drained).isNotDone();
      Files.createFile(gateC.resolve("release"));
      assertThat(c.answer(1).stdout()).endsWith("released\n");
      drained.get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * A front server's connection accepted before the listener closed may carry its request only
   * after: that request was sent to this gateway and is answered, by the script, not with the
   * draining gateway's 503 (nginx would pass that on) nor by closing the connection (nginx does
   * not retry a POST).
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aRequestOnAConnectionOpenedBeforeTheListenerClosedIsServedDuringTheDrain()
      throws Exception {
    Path gate = gate("gate");
    try (TestGateway gateway = startDraining("0s");
        FastCgiWire held = FastCgiWire.connect(socket());
        FastCgiWire late = FastCgiWire.connect(socket())) {
      FastCgiListener listener = gateway.server().fastCgi().orElseThrow();
      held.send(FastCgiWire.get(1, false, "/responses/wait-for-release.sh?" + gate));
      assertThat(Polling.eventually(Duration.ofSeconds(10),
          () -> listener.inFlight() == 1 && listener.openConnections() == 2)).isTrue();

      java.util.concurrent.CompletableFuture<Void> drained =
          java.util.concurrent.CompletableFuture.runAsync(gateway.server()::drain);
      assertThat(Polling.eventually(Duration.ofSeconds(10), this::refusesConnections))
          .as("the listener closed").isTrue();

      late.send(FastCgiWire.get(1, false, "/responses/hello.sh"));
      FastCgiWire.Answer answer = late.answer(1);
      assertThat(answer.protocolStatus()).isEqualTo(RecordWriter.REQUEST_COMPLETE);
      assertThat(answer.stdout()).startsWith("Status: 200").endsWith("hello\n");
      assertThat(drained).as("the held request still runs").isNotDone();
      Files.createFile(gate.resolve("release"));
      assertThat(held.answer(1).stdout()).endsWith("released\n");
      drained.get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Once the drain has finished the gateway is about to close every connection: a request that
   * arrives then is not started. Over FastCGI its connection closes unanswered (nginx retries it
   * on its next server, as it does a refused connect); over HTTP the client still gets a whole
   * 503, never an empty reply.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aRequestArrivingOnceTheDrainHasFinishedIsNotStarted() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      FastCgiListener listener = gateway.server().fastCgi().orElseThrow();
      assertThat(Polling.eventually(Duration.ofSeconds(10),
          () -> listener.openConnections() == 1)).isTrue();
      GracefulRequests requests = gateway.server().requests();
      requests.shutdown();
      requests.stopStarting();
      assertThat(requests.getCurrentRequestCount()).as("nothing was running").isZero();

      assertRefused(wire, "/responses/hello.sh");
      java.net.http.HttpResponse<String> http = gateway.get("/responses/hello.sh");
      assertThat(http.statusCode()).isEqualTo(503);
      assertThat(http.body()).doesNotContain("hello");
      // The client may read the 503 before Jetty's completion callback has counted it out.
      assertThat(Polling.eventually(Duration.ofSeconds(10),
          () -> requests.getCurrentRequestCount() == 0)).as("the refusals are counted out").isTrue();
    }
  }

  private boolean refusesConnections() {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket()));
      return false;
    } catch (java.io.IOException e) {
      return true;
    }
  }

  private static java.util.Optional<io.cgiguard.fastcgi.FastCgiRecord> nextRecord(
      FastCgiWire wire) {
    try {
      return wire.read();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aReloadChangesWhoMayConnectFromTheNextConnectionOn() throws Exception {
    try (TestGateway gateway = startTcp("allowed-clients = [\"192.0.2.0/24\"]\n")) {
      try (FastCgiWire refused = FastCgiWire.connect(tcp(gateway))) {
        assertRefused(refused, "/responses/hello.sh");
      }

      Reload reload = gateway.server().reload(TestGateway.config("""
          [fastcgi]
          listen = "127.0.0.1:0"
          allowed-clients = ["192.0.2.0/24", "127.0.0.1"]
          """));

      assertThat(reload).isInstanceOfSatisfying(Reload.Applied.class,
          applied -> assertThat(applied.restartNeeded()).isEmpty());
      try (FastCgiWire wire = FastCgiWire.connect(tcp(gateway))) {
        wire.send(FastCgiWire.get(1, false, "/responses/hello.sh"));
        assertThat(wire.answer(1).stdout()).endsWith("hello\n");
      }
    }
  }

  /**
   * A peer outside {@code allowed-clients} is closed before any record is read, so its params
   * never become a request (FastCGI has no credentials: whoever connects names the client).
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aTcpPeerOutsideTheAllowedClientsIsClosedBeforeAnyRequestRuns() throws Exception {
    ch.qos.logback.classic.Logger clients = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(FastCgiClients.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    clients.addAppender(logged);
    try (TestGateway gateway = startTcp("allowed-clients = [\"192.0.2.0/24\", \"::1\"]\n")) {
      try (FastCgiWire wire = FastCgiWire.connect(tcp(gateway))) {
        assertRefused(wire, "/processes/print-identity.sh");
      }
      assertThat(logged.list).singleElement().satisfies(event -> assertThat(
          event.getFormattedMessage()).contains("FastCGI connection from 127.0.0.1 closed")
          .contains("192.0.2.0/24, ::1/128"));
      assertThat(gateway.server().metrics().totals().requests()).isZero();
      assertThat(gateway.get("/responses/hello.sh").statusCode()).isEqualTo(200);
    } finally {
      clients.detachAppender(logged);
    }
  }

  /**
   * The gateway closes a refused peer as soon as it opens the connection, so the refusal reaches
   * the wire while it is still sending (a write after the gateway's close fails: broken pipe, or
   * reset) or once it waits for the answer (the connection ends before END_REQUEST). Either way
   * no answer comes.
   */
  private static void assertRefused(FastCgiWire wire, String target) {
    assertThatThrownBy(() -> {
      wire.send(FastCgiWire.get(1, false, target));
      wire.answer(1);
    }).isInstanceOf(java.io.IOException.class).satisfies(e -> assertThat(e.getMessage())
        .containsAnyOf("closed before END_REQUEST", "Broken pipe", "Connection reset"));
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void socketHasTheConfiguredOwnerAndModeAndIsRemovedAtClose() throws Exception {
    try (TestGateway gateway = start("")) {
      assertThat(Files.getOwner(socket(), LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("nobody");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket(),
          LinkOption.NOFOLLOW_LINKS))).isEqualTo("rw-------");
      assertThat(gateway.server().fastCgi().orElseThrow().address())
          .isEqualTo("unix:" + socket());
    }
    assertThat(socket()).doesNotExist();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void abortRequestKillsTheScriptsGroup() throws Exception {
    Path pids = Files.createDirectories(temp.resolve("pids"));
    try (TestGateway gateway = start("[timeouts]\nheader = \"60s\"\n");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(FastCgiWire.get(1, false, "/before-headers/hang-before-headers.sh?" + pids));
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(5));
      assertThat(ProcessTable.gone(pid)).isFalse();

      wire.send(FastCgiWire.empty(FastCgiRecord.ABORT_REQUEST, 1));

      ProcessTable.await(Duration.ofSeconds(5), () -> ProcessTable.gone(pid),
          "script " + pid + " gone after ABORT_REQUEST");
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(5),
          () -> gateway.server().fastCgi().orElseThrow().inFlight() == 0)).isTrue();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wires talk to it
  void abortRequestOfAQueuedRequestTakesItOutOfTheQueueAtOnce() throws Exception {
    Path gate = Files.createDirectories(temp.resolve("gate"));
    Files.setPosixFilePermissions(gate, PosixFilePermissions.fromString("rwxr-xr-x"));
    String script = "/responses/wait-for-release.sh?" + gate;
    try (TestGateway gateway = start("""
        [concurrency]
        max-running = 1
        max-per-script = 1
        queue = 10
        queue-wait = "60s"
        """);
        FastCgiWire running = FastCgiWire.connect(socket());
        FastCgiWire waiting = FastCgiWire.connect(socket())) {
      running.send(FastCgiWire.get(1, false, script));
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(30),
          () -> gateway.metric("cgiguard_scripts_running") == 1)).isTrue();
      waiting.send(FastCgiWire.get(1, false, script));
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(30),
          () -> gateway.metric("cgiguard_scripts_queued") == 1)).isTrue();

      waiting.send(FastCgiWire.empty(FastCgiRecord.ABORT_REQUEST, 1));

      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(10),
          () -> gateway.metric("cgiguard_scripts_queued") == 0))
          .as("the aborted request left the queue without waiting for a slot").isTrue();
      assertThat(gateway.metric("cgiguard_scripts_running")).isEqualTo(1);
      Files.createFile(gate.resolve("release"));
      assertThat(running.answer(1).stdout()).endsWith("released\n");
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(10),
          () -> gateway.metric("cgiguard_scripts_running") == 0
              && gateway.server().fastCgi().orElseThrow().inFlight() == 0))
          .as("nothing ran for the aborted request, and nothing is left in flight").isTrue();
    }
  }

  /**
   * A Host Jetty cannot parse (nginx's stock fastcgi_params pass the client's own as HTTP_HOST)
   * is a bad request, answered 400 with END_REQUEST; the connection goes on.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void aHostJettyCannotParseIsAnswered400AndTheConnectionGoesOn() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      for (String host : List.of("a:b", "x:99999", "[::1")) {
        wire.send(FastCgiWire.get(1, true, "/responses/hello.sh", Map.of("HTTP_HOST", host)));
        assertThat(wire.answer(1).stdout()).as(host).startsWith("Status: 400\r\n");
      }
      wire.send(FastCgiWire.get(2, true, "/responses/hello.sh"));
      assertThat(wire.answer(2).stdout()).endsWith("hello\n");
    }
  }

  /**
   * The front server closing the connection right after its request, so that the gateway reads
   * the request and the close together: the request is abandoned at once, its script stopped,
   * instead of running until its header timeout.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFrontServerClosingRightAfterItsRequestStopsItsScript() throws Exception {
    Path pids = Files.createDirectories(temp.resolve("pids"));
    Files.setPosixFilePermissions(pids, PosixFilePermissions.fromString("rwxrwxrwx"));
    try (TestGateway gateway = start("[timeouts]\nheader = \"60s\"\n")) {
      try (SocketChannel peer = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
        ByteBuffer[] request = FastCgiWire.get(1, false,
            "/before-headers/hang-before-headers.sh?" + pids);
        while (request[request.length - 1].hasRemaining()) {
          peer.write(request);
        }
      }
      assertThat(Polling.eventually(Duration.ofSeconds(10),
          () -> gateway.server().fastCgi().orElseThrow().inFlight() == 0))
          .as("the request ended long before its 60 s header timeout").isTrue();
      Path pidFile = pids.resolve("script.pid");
      // The shell creates the file before it writes its pid, and may be stopped in between: a
      // file that stays empty is a script that never got further. One that wrote must be gone.
      if (Polling.eventually(Duration.ofSeconds(2),
          () -> pidFile.toFile().length() > 0)) {
        long pid = ProcessTable.awaitPid(pidFile, Duration.ofSeconds(5));
        ProcessTable.await(Duration.ofSeconds(5), () -> ProcessTable.gone(pid),
            "script " + pid + " stopped");
      }
    }
  }

  /** A request that never finishes arriving is not a running one: the idle timeout ends it. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wires talk to it
  void aRequestHalfSentIsClosedAtTheIdleTimeout() throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (TestGateway gateway = TestGateway.start("idle-timeout = \"1s\"", """
        [fastcgi]
        listen = "unix:%s"
        """.formatted(socket()))) {
      try (FastCgiWire beginOnly = FastCgiWire.connect(socket());
          FastCgiWire halfParams = FastCgiWire.connect(socket())) {
        beginOnly.send(FastCgiWire.begin(1, true));
        halfParams.send(FastCgiWire.begin(1, true),
            FastCgiWire.params(1, Map.of("REQUEST_METHOD", "GET")));
        assertThat(beginOnly.read()).as("closed").isEmpty();
        assertThat(halfParams.read()).as("closed").isEmpty();
      }
      try (FastCgiWire wire = FastCgiWire.connect(socket())) {
        wire.send(FastCgiWire.get(1, false, "/responses/hello.sh"));
        assertThat(wire.answer(1).stdout()).endsWith("hello\n");
      }
    }
  }

  /**
   * Section 5.4: the application answers ABORT_REQUEST with END_REQUEST, and a connection
   * begun with FCGI_KEEP_CONN stays for the next request.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void abortIsAnsweredWithEndRequestAndAKeptConnectionGoesOn() throws Exception {
    Path pids = Files.createDirectories(temp.resolve("pids"));
    try (TestGateway gateway = start("[timeouts]\nheader = \"60s\"\n");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(FastCgiWire.get(1, true, "/before-headers/hang-before-headers.sh?" + pids));
      long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(5));

      wire.send(FastCgiWire.empty(FastCgiRecord.ABORT_REQUEST, 1));

      assertThat(wire.answer(1).protocolStatus()).isEqualTo(RecordWriter.REQUEST_COMPLETE);
      ProcessTable.await(Duration.ofSeconds(5), () -> ProcessTable.gone(pid),
          "script " + pid + " gone after ABORT_REQUEST");
      wire.send(FastCgiWire.get(2, true, "/responses/hello.sh"));
      assertThat(wire.answer(2).stdout()).endsWith("hello\n");
    }
  }

  /** Section 5.1: a role refused on a connection not kept ends the connection with its reply. */
  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void aRefusedRoleWithoutKeepConnEndsTheConnection() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(RecordWriter.record(FastCgiRecord.BEGIN_REQUEST, 1,
          new byte[] {0, 2, 0, 0, 0, 0, 0, 0}));
      FastCgiRecord refusal = wire.read().orElseThrow();
      assertThat(refusal.type()).isEqualTo(FastCgiRecord.END_REQUEST);
      assertThat(refusal.content()[4]).isEqualTo((byte) RecordWriter.UNKNOWN_ROLE);
      assertThat(wire.read()).as("closed after the refusal").isEmpty();
    }
  }

  /**
   * A request answered by the listener itself (431 here) on a connection not kept: the gateway
   * ends only its own side, so the front server can still send the body it had started on,
   * instead of failing with a broken pipe (Apache's AH01075, a 503 to its client).
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void aDirectAnswerLetsTheFrontServerFinishSending() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(FastCgiWire.begin(1, false), FastCgiWire.params(1,
          Map.of("HTTP_COOKIE", "c".repeat(65_000))), FastCgiWire.params(1,
          Map.of("HTTP_X", "c".repeat(30_000))), FastCgiWire.empty(FastCgiRecord.PARAMS, 1));
      assertThat(wire.answer(1).stdout()).startsWith("Status: 431\r\n");

      wire.send(FastCgiWire.body(1, new byte[512 * 1024]));

      assertThat(wire.read()).as("our side ended").isEmpty();
    }
  }

  /**
   * A peer that sends management records and never reads the replies is stopped by its own
   * socket: the gateway stops reading once a bounded backlog of replies waits, rather than
   * queueing replies without end.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the channel talks to it
  void repliesThatAreNeverReadStopTheReadingInsteadOfPilingUp() throws Exception {
    try (TestGateway gateway = start("");
        java.nio.channels.SocketChannel peer = java.nio.channels.SocketChannel.open(
            java.net.UnixDomainSocketAddress.of(socket()))) {
      peer.configureBlocking(false);
      ByteBuffer unknown = RecordWriter.record(99, 0, new byte[0]);
      byte[] record = new byte[unknown.remaining()];
      unknown.get(record);
      ByteBuffer batch = ByteBuffer.wrap(new byte[64 * 1024 / record.length * record.length]);
      for (int i = 0; i < batch.capacity(); i += record.length) {
        batch.put(record);
      }
      long limit = 64L * 1024 * 1024;
      long sent = 0;
      try (java.nio.channels.Selector writable = java.nio.channels.Selector.open()) {
        peer.register(writable, java.nio.channels.SelectionKey.OP_WRITE);
        while (sent < limit) {
          batch.clear();
          int n = peer.write(batch);
          sent += n;
          // A full socket that stays full for 2 s: the gateway has stopped reading.
          if (n == 0 && writable.select(Duration.ofSeconds(2).toMillis()) == 0) {
            break;
          }
          writable.selectedKeys().clear();
        }
      }
      assertThat(sent).as("bytes the gateway took before it stopped reading").isLessThan(limit);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void getValuesTellsThatConnectionsAreNotMultiplexed() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(RecordWriter.record(FastCgiRecord.GET_VALUES, 0, NameValuePairs.encode(
          Map.of("FCGI_MPXS_CONNS", ""))));

      FastCgiRecord result = wire.read().orElseThrow();
      assertThat(result.type()).isEqualTo(FastCgiRecord.GET_VALUES_RESULT);
      assertThat(NameValuePairs.decode(result.content())).containsEntry("FCGI_MPXS_CONNS", "0");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void secondRequestWhileOneRunsIsRefusedAndTheFirstIsAnswered() throws Exception {
    // The first request's script waits for the test: were it to answer before the second
    // BEGIN_REQUEST arrived, that request would no longer come while one runs.
    Path gate = Files.createDirectories(temp.resolve("gate"));
    Files.setPosixFilePermissions(gate, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(FastCgiWire.get(1, true, "/responses/wait-for-release.sh?" + gate));
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(20),
          () -> gateway.metric("cgiguard_scripts_running") == 1)).isTrue();
      wire.send(FastCgiWire.begin(2, true));

      FastCgiWire.Answer refused = wire.answer(2);
      Files.createFile(gate.resolve("release"));
      FastCgiWire.Answer answered = wire.answer(1);
      assertThat(refused.protocolStatus()).isEqualTo(RecordWriter.CANT_MPX_CONN);
      assertThat(answered.protocolStatus()).isEqualTo(RecordWriter.REQUEST_COMPLETE);
      assertThat(answered.stdout()).startsWith("Status: 200 OK\r\n")
          .endsWith("\r\n\r\nreleased\n");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void keptConnectionServesRequestsOneAfterAnotherAndTheEdgeFactsReachTheScript()
      throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(FastCgiWire.get(1, true, "/responses/env.pl?a=1"));
      String first = wire.answer(1).stdout();
      wire.send(FastCgiWire.get(2, true, "/responses/hello.sh"));
      String second = wire.answer(2).stdout();

      assertThat(first).contains("REMOTE_ADDR=192.0.2.7\n", "REMOTE_PORT=40000\n",
          "SERVER_NAME=example.org\n", "SERVER_PORT=80\n", "QUERY_STRING=a=1\n",
          "SCRIPT_NAME=/responses/env.pl\n");
      assertThat(second).endsWith("hello\n");
    }
  }

  /**
   * nginx writes its request as soon as it has connected, but a front server need not: one that
   * connects, waits, and only then writes is answered as well.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void aFrontServerThatWaitsBeforeWritingItsRequestIsStillAnswered() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      // The gateway has opened the connection before anything arrives on it.
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(10),
          () -> gateway.server().fastCgi().orElseThrow().openConnections() == 1)).isTrue();
      wire.send(FastCgiWire.get(1, false, "/responses/hello.sh"));

      FastCgiWire.Answer answer = wire.answer(1);

      assertThat(answer.protocolStatus()).isEqualTo(RecordWriter.REQUEST_COMPLETE);
      assertThat(answer.stdout()).startsWith("Status: 200 OK\r\n").endsWith("hello\n");
    }
  }

  /**
   * Over FastCGI the client is the one the front server names in REMOTE_ADDR, so that is what the
   * admin endpoints judge: a loopback literal in either family is local, any other address is
   * not, and a name is never looked up (a front server that sent "localhost" gets no admin page).
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void theAdminEndpointsJudgeTheClientTheFrontServerNames() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      int id = 0;
      for (String local : List.of("127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1")) {
        wire.send(FastCgiWire.get(++id, true, "/-/health",
            Map.of("REMOTE_ADDR", local, "HTTP_HOST", "localhost")));
        assertThat(wire.answer(id).stdout()).as(local).startsWith("Status: 200 OK\r\n");
      }
      // A local client under the site's public name: a web page could re-point that name.
      wire.send(FastCgiWire.get(++id, true, "/-/health", Map.of("REMOTE_ADDR", "127.0.0.1")));
      assertThat(wire.answer(id).stdout()).startsWith("Status: 403 ")
          .contains("[server] local-host-names");
      for (String remote : List.of("192.0.2.7", "2001:db8::1", "localhost", "127.0.0.1.example",
          "127.1")) {
        wire.send(FastCgiWire.get(++id, true, "/-/health", Map.of("REMOTE_ADDR", remote)));
        assertThat(wire.answer(id).stdout()).as(remote).startsWith("Status: 403 ")
            .contains("loopback clients only");
      }
    }
  }

  /**
   * Apache sends a request's empty STDIN record after its params, and may still be sending it
   * when the answer is complete. Without FCGI_KEEP_CONN the gateway ends the connection after the
   * answer, but only its own side until the front server has sent its last record: a connection
   * closed under the front server fails that write, and Apache then answers 503 (AH01075).
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aConnectionNotKeptEndsOnlyItsOwnSideWhileTheFrontStillSends() throws Exception {
    try (TestGateway gateway = start("")) {
      FastCgiWire wire = FastCgiWire.connect(socket());
      ByteBuffer[] get = FastCgiWire.get(1, false, "/responses/hello.sh");
      // Everything but the empty STDIN record, which goes only once the answer is in.
      wire.send(java.util.Arrays.copyOf(get, get.length - 1));
      String answer = wire.answer(1).stdout();
      assertThat(wire.read()).as("the gateway's side ends after END_REQUEST").isEmpty();

      wire.send(get[get.length - 1]);

      assertThat(answer).endsWith("hello\n");
      wire.close(); // as the front server, once it has read END_REQUEST
      assertThat(Polling.eventually(Duration.ofSeconds(10),
          () -> gateway.server().fastCgi().orElseThrow().openConnections() == 0))
          .as("the connection closes once the front server has closed its side").isTrue();
    }
  }

  /**
   * A kept connection stays open after a request with a body, as nginx's {@code fastcgi_keep_conn}
   * and Apache's {@code enablereuse} expect: they send their next request on it at once.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void keptConnectionTakesTheNextRequestAfterAPost() throws Exception {
    byte[] body = new byte[100 * 1024];
    new java.util.Random(3).nextBytes(body);
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      for (int round = 1; round <= 3; round++) {
        wire.send(FastCgiWire.postHead(1, true, "/responses/count.pl", body.length));
        wire.send(FastCgiWire.body(1, body));
        String posted = wire.answer(1).stdout();
        wire.send(FastCgiWire.get(1, true, "/responses/hello.sh"));
        String after = wire.answer(1).stdout();

        assertThat(posted).as("round %d", round).contains(body.length + " " + sha256(body));
        assertThat(after).as("round %d", round).endsWith("hello\n");
      }
    }
  }

  /**
   * A body larger than the queue a request may hold makes the connection stop reading until the
   * script has taken part of it, some sixteen times per request here, and every stop must end
   * with the body arriving whole. (A resume that came between the queue filling and the
   * connection marking itself stopped used to be lost. That window is too narrow for this test
   * to hit reliably; {@code FastCgiBehindNginxTest}'s kept connections hit it under load.)
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void bodiesThatFillTheQueueAgainAndAgainArriveWhole() throws Exception {
    byte[] body = new byte[4 * 1024 * 1024 + 7];
    new java.util.Random(17).nextBytes(body);
    String digest = sha256(body);
    try (TestGateway gateway = start("[timeouts]\nheader = \"20s\"\n");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      for (int round = 1; round <= 20; round++) {
        wire.send(FastCgiWire.postHead(1, true, "/responses/count.pl", body.length));
        wire.send(FastCgiWire.body(1, body));

        assertThat(wire.answer(1).stdout()).as("round %d", round)
            .contains(body.length + " " + digest);
      }
    }
  }

  /**
   * A script may answer without reading its body. The rest of that body then arrives after the
   * answer, in records of a request that is over: they are skipped, the connection goes on, and
   * the thread that was waiting to write the body to the script is free again. With one script
   * at a time there is one such thread, so the POST that follows needs it back.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void aBodyTheScriptLeftUnreadIsSkippedAndItsPumpIsFreed() throws Exception {
    byte[] unread = new byte[1024 * 1024];
    byte[] read = "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (TestGateway gateway = start("""
        [concurrency]
        max-running = 1
        max-per-script = 1
        [timeouts]
        header = "10s"
        """);
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      for (int round = 1; round <= 3; round++) {
        wire.send(FastCgiWire.postHead(1, true, "/responses/hello.sh", unread.length));
        String ignoring = wire.answer(1).stdout();
        wire.send(FastCgiWire.body(1, unread));
        wire.send(FastCgiWire.postHead(1, true, "/responses/count.pl", read.length));
        wire.send(FastCgiWire.body(1, read));
        String counting = wire.answer(1).stdout();

        assertThat(ignoring).as("round %d", round).endsWith("hello\n");
        assertThat(counting).as("round %d", round).startsWith("Status: 200 OK\r\n")
            .contains("3 " + sha256(read));
      }
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void oversizedParamsAreAnswered431AndTheConnectionGoesOn() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      wire.send(FastCgiWire.begin(1, true), FastCgiWire.params(1,
          Map.of("HTTP_COOKIE", "c".repeat(65_000))), FastCgiWire.params(1,
          Map.of("HTTP_X", "c".repeat(30_000))), FastCgiWire.empty(FastCgiRecord.PARAMS, 1),
          FastCgiWire.empty(FastCgiRecord.STDIN, 1));
      FastCgiWire.Answer tooLarge = wire.answer(1);
      wire.send(FastCgiWire.get(2, true, "/responses/hello.sh"));

      assertThat(tooLarge.stdout()).startsWith("Status: 431\r\n")
          .contains("larger than 65536 bytes");
      assertThat(wire.answer(2).stdout()).endsWith("hello\n");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void garbageClosesItsConnectionAndTheListenerKeepsServing() throws Exception {
    try (TestGateway gateway = start("")) {
      try (FastCgiWire garbage = FastCgiWire.connect(socket())) {
        garbage.send(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII)));
        assertThat(garbage.read()).isEmpty();
      }
      try (FastCgiWire wire = FastCgiWire.connect(socket())) {
        wire.send(FastCgiWire.get(1, false, "/responses/hello.sh"));
        assertThat(wire.answer(1).stdout()).endsWith("hello\n");
      }
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void drainingStopsNewConnectionsWhileTheRunningRequestFinishes() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      FastCgiListener listener = gateway.server().fastCgi().orElseThrow();
      // Writes a first part, waits two seconds, writes the rest.
      ByteBuffer[] slow = FastCgiWire.get(1, false, "/responses/stream.sh");
      wire.send(slow);
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(5),
          () -> listener.inFlight() == 1)).isTrue();

      listener.stopAccepting();

      assertThatThrownBy(() -> {
        try (SocketChannel refused = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          refused.connect(UnixDomainSocketAddress.of(socket()));
          refused.read(ByteBuffer.allocate(1));
        }
      }).isInstanceOf(java.io.IOException.class);
      FastCgiWire.Answer answer = wire.answer(1);
      assertThat(answer.protocolStatus()).isEqualTo(RecordWriter.REQUEST_COMPLETE);
      assertThat(answer.stdout()).endsWith("first\nsecond\n");
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(5),
          () -> listener.inFlight() == 0)).isTrue();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void connectionsBeyondTheLimitWaitUntilOneCloses() throws Exception {
    try (TestGateway gateway = start("max-connections = 1\n");
        FastCgiWire first = FastCgiWire.connect(socket());
        FastCgiWire second = FastCgiWire.connect(socket())) {
      first.send(FastCgiWire.get(1, true, "/responses/hello.sh"));
      assertThat(first.answer(1).stdout()).endsWith("hello\n");
      second.send(FastCgiWire.get(1, false, "/responses/hello.sh"));
      java.util.concurrent.CompletableFuture<FastCgiWire.Answer> waiting =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
              return second.answer(1);
            } catch (Exception e) {
              throw new java.util.concurrent.CompletionException(e);
            }
          });
      // Not a timing assertion: with one connection allowed, the second is not even accepted
      // while the first stays open, however long the wait.
      assertThat(io.cgiguard.Polling.eventually(Duration.ofSeconds(1), waiting::isDone)).isFalse();

      first.close();

      assertThat(waiting.get(20, TimeUnit.SECONDS).stdout()).endsWith("hello\n");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  @SuppressWarnings("try") // the gateway only has to listen while the wire talks to it
  void responseReachesTheFrontServerAsTheScriptWritesIt() throws Exception {
    try (TestGateway gateway = start("");
        FastCgiWire wire = FastCgiWire.connect(socket())) {
      // Writes "first", sleeps two seconds, writes "second".
      wire.send(FastCgiWire.get(1, false, "/responses/stream.sh"));
      StringBuilder stdout = new StringBuilder();
      while (stdout.indexOf("first\n") < 0) {
        FastCgiRecord record = wire.read().orElseThrow();
        assertThat(record.type()).as("a record before the first part").isEqualTo(
            FastCgiRecord.STDOUT);
        stdout.append(new String(record.content(), java.nio.charset.StandardCharsets.ISO_8859_1));
      }

      assertThat(stdout).doesNotContain("second");
      assertThat(wire.answer(1).stdout()).isEqualTo("second\n");
    }
  }
}
