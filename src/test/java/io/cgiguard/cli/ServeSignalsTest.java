package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Polling;
import io.cgiguard.TestScripts;
import io.cgiguard.http.JettyPageScan;
import io.cgiguard.http.ReloadSite;
import io.cgiguard.load.LoadPlans;
import io.cgiguard.load.LoadResult;
import io.cgiguard.load.LoadRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgiguard serve} in a child JVM, driven by real signals: {@code SIGHUP} and
 * {@code cgiguard reload} re-read the file (a broken one is refused with its line in the log and
 * the running site keeps serving); {@code SIGTERM} under load drains without a failed request,
 * lets running scripts finish, exits 0 and leaves no process behind.
 *
 * <p>The child keeps root ({@code run-as = "root"}): these tests are about signals, and the
 * fixtures they serve stay in the checkout, which the run-as user may not be able to read;
 * {@code ServeAsRootTest} shows the drop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeSignalsTest {

  private static final Path BEFORE_HEADERS = TestScripts.path("before-headers");

  @TempDir Path temp;
  private Path file;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  /** Starts serve on {@code toml}; the file it re-reads is {@link #file}. */
  private Started serve(String toml) throws Exception {
    Path root = ServeChild.readableDirectory(temp.resolve("gateway"));
    file = root.resolve("cgiguard.toml");
    ServeChild child = ServeChild.start(root, toml);
    return new Started(child, child.awaitListening(Duration.ofSeconds(60)));
  }

  /**
   * Under {@code nohup} (or any parent that ignores SIGHUP) the gateway starts with SIGHUP
   * ignored, and the JVM then quietly declines to handle it: the reload an operator asks for with
   * {@code kill -HUP} would never happen. The gateway takes the signal back at start.
   */
  @Test
  void aGatewayStartedWithSighupIgnoredStillReloadsOnIt() throws Exception {
    try (Started serve = serveIgnoring("HUP")) {
      assertThat(serve.log()).contains("SIGHUP was ignored when the gateway started");
      Files.writeString(file, config("v2", "", ""));
      serve.signal("HUP");
      assertThat(Polling.eventually(Duration.ofSeconds(20),
          () -> serve.log().contains("SIGHUP: re-reading the configuration")))
          .as(serve.log()).isTrue();
      assertThat(Polling.eventually(Duration.ofSeconds(20),
          () -> "version 2\n".equals(bodyOrNull(serve.uri().resolve("/app/version.sh")))))
          .as(serve.log()).isTrue();
    }
  }

  private String bodyOrNull(URI uri) {
    try {
      return body(uri);
    } catch (Exception | AssertionError e) {
      return null;
    }
  }

  /** Starts serve on version 1 with {@code SIG<signal>} ignored, as under nohup. */
  private Started serveIgnoring(String signal) throws Exception {
    Path root = ServeChild.readableDirectory(temp.resolve("gateway"));
    file = root.resolve("cgiguard.toml");
    ServeChild child = ServeChild.startIgnoring(root, config("v1", "", ""), signal);
    return new Started(child, child.awaitListening(Duration.ofSeconds(60)));
  }

  /** A serve child and the URL it listens on. */
  private record Started(ServeChild child, URI uri) implements AutoCloseable {
    @Override
    public void close() {
      child.close();
    }

    /** Sends {@code SIG<name>}, as an operator's {@code kill -<name>} would. */
    void signal(String name) throws Exception {
      child.signal(name);
    }

    /** @return the child's log so far */
    String log() {
      try {
        return child.stderr();
      } catch (IOException e) {
        return "";
      }
    }
  }

  private static String config(String version, String drain, String more) {
    return ReloadSite.toml(version, "run-as = \"root\"\n" + drain, more);
  }

  /** Ctrl-C: a stop without a drain, with the status the JVM's own handling gives it. */
  @Test
  void sigintStopsAtOnceWithStatus130() throws Exception {
    try (Started serve = serve(config("v1", "drain-delay = \"30s\"", ""))) {
      assertThat(body(serve.uri().resolve("/app/version.sh"))).isEqualTo("version 1\n");
      serve.signal("INT");
      assertThat(serve.child().process().waitFor(15, TimeUnit.SECONDS))
          .as("stopped well before the 30 s drain delay: %s", serve.log()).isTrue();
      assertThat(serve.child().process().exitValue()).isEqualTo(130);
      assertThat(serve.log()).contains("SIGINT: stopping now");
    }
  }

  /**
   * A shell without job control starts a background command with SIGINT ignored, so that a
   * Ctrl-C meant for the shell leaves it alone; the gateway keeps it so, as the JVM would.
   */
  @Test
  void aGatewayStartedWithSigintIgnoredKeepsItIgnored() throws Exception {
    try (Started serve = serveIgnoring("INT")) {
      assertThat(serve.log()).contains("SIGINT was ignored when the gateway started; it stays "
          + "ignored");
      // The kernel discards a signal whose disposition is "ignore" when it is sent.
      long ignored = Long.parseLong(Files.readAllLines(Path.of("/proc", Long.toString(
          serve.child().pid()), "status")).stream().filter(line -> line.startsWith("SigIgn:"))
          .findFirst().orElseThrow().substring("SigIgn:".length()).trim(), 16);
      assertThat(ignored & (1L << (2 - 1))).as("SIGINT ignored").isNotZero();
      serve.signal("INT");
      assertThat(body(serve.uri().resolve("/app/version.sh"))).isEqualTo("version 1\n");
      assertThat(serve.child().process().isAlive()).isTrue();
    }
  }

  @Test
  void sighupAndTheReloadCommandReReadTheFileAndRefuseABrokenOne() throws Exception {
    try (Started serve = serve(config("v1", "", ""))) {
      Files.writeString(file, config("v2", "", """
          [[mount]]
          url = "/new/"
          dir = "%s"
          """.formatted(ReloadSite.FIXTURES.resolve("v1"))));
      serve.signal("HUP");
      assertThat(Polling.eventually(Duration.ofSeconds(20),
          () -> status(serve.uri().resolve("/new/version.sh")) == 200))
          .as("the new mount; the gateway's log:%n%s", serve.log()).isTrue();
      assertThat(body(serve.uri().resolve("/app/version.sh"))).isEqualTo("version 2\n");

      Files.writeString(file, config("v1", "max-threads = 3", ""));
      serve.signal("HUP");
      String refusal = file + ":5: server.max-threads: must be from 16 to 10000 (got 3)";
      assertThat(Polling.eventually(Duration.ofSeconds(20),
          () -> serve.log().contains(refusal))).as(serve.log()).isTrue();
      assertThat(body(serve.uri().resolve("/app/version.sh"))).isEqualTo("version 2\n");

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int refused = Main.execute(new PrintWriter(out), new PrintWriter(err), "reload",
          "--url", serve.uri().toString());
      assertThat(refused).isEqualTo(ReloadCommand.EXIT_REFUSED);
      assertThat(err.toString()).contains(refusal);

      Files.writeString(file, config("v1", "", ""));
      int applied = Main.execute(new PrintWriter(out), new PrintWriter(err), "reload",
          "--url", serve.uri().toString());
      assertThat(applied).as(err.toString()).isZero();
      assertThat(out.toString()).contains("reloaded " + file);
      assertThat(body(serve.uri().resolve("/app/version.sh"))).isEqualTo("version 1\n");
      assertThat(status(serve.uri().resolve("/new/version.sh"))).isEqualTo(404);
    }
  }

  @Test
  void sigtermUnderLoadLosesNoRequestLetsScriptsFinishAndExitsZero() throws Exception {
    // The delay is the time a load balancer gets to see /-/health fail; this test is the load
    // balancer, and it needs only one poll.
    Path pids = Files.createDirectory(temp.resolve("pids"));
    try (Started serve = serve(config("v1", "drain-delay = \"3s\"\ndrain-timeout = \"20s\"",
        ""))) {
      LoadRun load = LoadPlans.during(serve.uri().resolve("/app/version.sh"), 4,
          Duration.ofSeconds(60), Pattern.compile("version 1"));
      CompletableFuture<LoadResult> loaded = LoadPlans.inBackground(load);
      List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        slow.add(JettyPageScan.sendAsync(client,
            HttpRequest.newBuilder(serve.uri().resolve("/slow/slow.sh?"
            + pids)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
      }
      assertThat(Polling.eventually(Duration.ofSeconds(20), () -> pidsIn(pids).size() == 3
          && load.requests() > 0)).as("three slow scripts running under load").isTrue();

      long signalled = System.nanoTime();
      serve.signal("TERM");
      assertThat(Polling.eventually(Duration.ofSeconds(2),
          () -> status(serve.uri().resolve("/-/health")) == 503)).as("health 503 at once").isTrue();
      load.stopSending();
      LoadResult result = loaded.get(30, TimeUnit.SECONDS);

      assertThat(serve.child().process().waitFor(40, TimeUnit.SECONDS)).as(serve.log()).isTrue();
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
      assertThat(serve.child().process().exitValue()).as(serve.log()).isZero();
      assertThat(tookMillis).as("exit after the delay, within delay + timeout")
          .isBetween(3_000L, 23_000L);
      assertThat(result.requests()).isPositive();
      assertThat(result.failures()).as("failures by kind").isEmpty();
      for (CompletableFuture<HttpResponse<String>> each : slow) {
        HttpResponse<String> response = each.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("finished\n");
      }
      assertThat(Polling.eventually(Duration.ofSeconds(5),
          () -> pidsIn(pids).stream().noneMatch(ServeSignalsTest::alive))).isTrue();
      assertThat(serve.log()).doesNotContain("drain-timeout passed");
    }
  }

  @Test
  void aScriptStillRunningAtTheDrainTimeoutIsKilledAndServeExitsZero() throws Exception {
    Path pids = Files.createDirectory(temp.resolve("pids"));
    try (Started serve = serve(config("v1", "drain-delay = \"200ms\"\ndrain-timeout = \"1s\"",
        """
        [[mount]]
        url = "/before-headers/"
        dir = "%s"
        """.formatted(BEFORE_HEADERS)))) {
      CompletableFuture<HttpResponse<String>> hanging = JettyPageScan.sendAsync(client,
          HttpRequest.newBuilder(
          serve.uri().resolve("/before-headers/hang-before-headers.sh?" + pids))
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(Polling.eventually(Duration.ofSeconds(20), () -> pidsIn(pids).size() == 1))
          .isTrue();

      serve.signal("TERM");

      assertThat(serve.child().process().waitFor(40, TimeUnit.SECONDS)).as(serve.log()).isTrue();
      assertThat(serve.child().process().exitValue()).as(serve.log()).isZero();
      long pid = pidsIn(pids).get(0);
      assertThat(Polling.eventually(Duration.ofSeconds(5), () -> !alive(pid))).isTrue();
      assertThat(serve.log()).contains("drain-timeout passed with 1 request(s) running");
      // Its client still gets the gateway's own answer: the script was killed, nothing restarts it.
      HttpResponse<String> answer = hanging.get(10, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(502);
      assertThat(answer.headers().firstValue("X-Cgiguard-Failure"))
          .hasValue("killed-before-headers");
      assertThat(answer.headers().firstValue("X-Cgiguard-Attempts")).as("no retry").hasValue("1");
      assertThat(answer.body()).contains("The gateway is stopping")
          .contains("drain-timeout").doesNotContain("could not start");
    }
  }

  private static List<Long> pidsIn(Path dir) {
    try {
      Path file = dir.resolve("script.pid");
      if (!Files.exists(file)) {
        return List.of();
      }
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank())
          .map(l -> Long.parseLong(l.strip())).toList();
    } catch (IOException | NumberFormatException e) {
      return List.of();
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private int status(URI uri) {
    try {
      return JettyPageScan.send(client,
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String body(URI uri) throws Exception {
    HttpResponse<String> response = JettyPageScan.send(client, HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
    return response.body();
  }
}
