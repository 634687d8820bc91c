package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload, in-process against a real gateway and real scripts: new requests see the new mounts
 * and timeouts, a request already running finishes on the site it started with, a file with a
 * problem is refused with its line while the running site keeps serving, and what only a restart
 * can change is reported.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReloadTest {


  @TempDir Path temp;
  private Path file;
  private ReloadSite.Running gateway;
  private GatewayServer server;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    file = temp.resolve("cgiguard.toml");
    write(ReloadSite.toml("v1", ""));
    gateway = ReloadSite.start(file);
    server = gateway.server();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void newRequestsSeeTheNewSiteWhileARunningOneFinishesOnTheOld() throws Exception {
    Path pids = Files.createDirectory(temp.resolve("pids"));
    CompletableFuture<HttpResponse<String>> running = JettyPageScan.sendAsync(client, 
        get("/slow/slow.sh?" + pids), HttpResponse.BodyHandlers.ofString());
    ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(10));

    write(ReloadSite.toml("v2", """
        [[mount]]
        url = "/new/"
        dir = "%s"

        [timeouts]
        header = "500ms"
        """.formatted(ReloadSite.FIXTURES.resolve("v1"))));
    Reload outcome = server.reload();

    assertThat(outcome).isInstanceOf(Reload.Applied.class);
    assertThat(body("/app/version.sh")).isEqualTo("version 2\n");
    assertThat(body("/new/version.sh")).isEqualTo("version 1\n");
    // A new request has the new half-second header timeout; the one already running keeps 30s.
    HttpResponse<String> late = JettyPageScan.send(client, get("/slow/slow.sh"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(late.statusCode()).isEqualTo(504);
    HttpResponse<String> first = running.get(20, TimeUnit.SECONDS);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("finished\n");
  }

  @Test
  void requestIdsKeepTheirPrefixAndNeverRepeatAcrossAReload() throws Exception {
    String before = id("/app/version.sh");
    write(ReloadSite.toml("v2", ""));
    assertThat(server.reload()).isInstanceOf(Reload.Applied.class);
    String after = id("/app/version.sh");

    assertThat(after).isNotEqualTo(before);
    assertThat(after.substring(0, after.indexOf('-')))
        .isEqualTo(before.substring(0, before.indexOf('-')));
  }

  /**
   * Each site used to start watchdog rounds of its own that nothing ever stopped: every reload
   * left one more periodic task per mount on the gateway's timers, holding the replaced site,
   * and an idle gateway was woken some thirty times a second. Now the one watchdog stops its
   * rounds once nothing is watched, and a request after that is timed as before.
   */
  @Test
  void anIdleGatewayKeepsNoTimedTaskAfterRequestsAndReloads() throws Exception {
    assertThat(body("/app/version.sh")).isEqualTo("version 1\n");
    for (int i = 0; i < 5; i++) {
      write(ReloadSite.toml("v2", """
          [timeouts]
          header = "500ms"
          """));
      assertThat(server.reload()).isInstanceOf(Reload.Applied.class);
      assertThat(body("/app/version.sh")).isEqualTo("version 2\n");
    }
    BlockingQueue<Runnable> timed = ((ScheduledThreadPoolExecutor) server.timers()).getQueue();

    // A periodic task leaves the queue while it runs: empty means empty for longer than a period.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long emptySince = System.nanoTime();
    while (System.nanoTime() - emptySince < Duration.ofMillis(300).toNanos()
        && System.nanoTime() - deadline < 0) {
      if (!timed.isEmpty()) {
        emptySince = System.nanoTime();
      }
      Thread.sleep(5);
    }

    assertThat(System.nanoTime() - emptySince)
        .as("the timers' queue stayed empty for 300 ms; it holds %s", timed)
        .isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
    HttpResponse<String> late = JettyPageScan.send(client, get("/slow/slow.sh"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(late.statusCode()).isEqualTo(504);
  }

  private String id(String path) throws Exception {
    return JettyPageScan.send(client, get(path), HttpResponse.BodyHandlers.discarding()).headers()
        .firstValue("X-Request-Id").orElseThrow();
  }

  @Test
  void aFileWithProblemsIsRefusedWithEveryLineAndTheRunningSiteKeepsServing() throws Exception {
    write(ReloadSite.toml("v2", """
        [timeouts]
        header = "soon"

        [retry]
        attempts = 99
        """));

    Reload outcome = server.reload();

    assertThat(outcome).isInstanceOf(Reload.Refused.class);
    assertThat(((Reload.Refused) outcome).problems()).containsExactly(
        file + ":13: timeouts.header: " + problem("timeouts.header", "header = \"soon\""),
        file + ":16: retry.attempts: " + problem("retry.attempts", "attempts = 99"));
    assertThat(body("/app/version.sh")).isEqualTo("version 1\n");
  }

  @Test
  void aMissingScriptDirectoryIsRefusedAtItsLine() throws Exception {
    write(ReloadSite.toml("v2", """
        [[mount]]
        url = "/gone/"
        dir = "%s"
        """.formatted(temp.resolve("no-such-dir"))));

    Reload outcome = server.reload();

    assertThat(outcome).isInstanceOf(Reload.Refused.class);
    assertThat(((Reload.Refused) outcome).problems()).containsExactly(file + ":14: mount[2].dir: "
        + temp.resolve("no-such-dir") + " does not exist or is not a directory");
    assertThat(body("/app/version.sh")).isEqualTo("version 1\n");
  }

  @Test
  void whatOnlyARestartChangesIsReportedAndTheRestApplied() throws Exception {
    write(ReloadSite.toml("v2", "max-threads = 200", """
        [concurrency]
        max-running = 32
        max-per-script = 8
        """));

    Reload outcome = server.reload();

    assertThat(outcome).isEqualTo(new Reload.Applied(file.toString(), java.util.List.of(
        "server.max-threads: 400 -> 200", "concurrency.max-running: 64 -> 32",
        "concurrency.max-per-script: 16 -> 8")));
    assertThat(body("/app/version.sh")).isEqualTo("version 2\n");
  }

  @Test
  void aChangeOfTheAccessLogFormatIsNamedAsTheFileSpellsIt() throws Exception {
    write(ReloadSite.toml("v2", "access-log-format = \"json\"", ""));

    Reload outcome = server.reload();

    assertThat(outcome).isEqualTo(new Reload.Applied(file.toString(),
        java.util.List.of("server.access-log-format: changed")));
  }

  @Test
  void aReloadAppliesTheStaticFileRules() throws Exception {
    assertThat(body("/static.txt")).isNotEmpty();
    write(ReloadSite.toml("v2", """
        [static]
        refuse-extensions = [".txt"]
        """));

    Reload outcome = server.reload();

    assertThat(outcome).isEqualTo(new Reload.Applied(file.toString(), java.util.List.of()));
    assertThat(JettyPageScan.send(client, get("/static.txt"),
        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);
  }

  @Test
  void theAdminEndpointReloadsOnAPostFromLoopbackOnly() throws Exception {
    write(ReloadSite.toml("v2", ""));

    HttpResponse<String> applied = JettyPageScan.send(client, post("/-/reload").build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> fromAPage = JettyPageScan.send(client, post("/-/reload")
        .header("Origin", "http://example.com").build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> read = JettyPageScan.send(client,
        get("/-/reload"), HttpResponse.BodyHandlers.ofString());
    write("[server]\nport = \"high\"\n");
    HttpResponse<String> refused = JettyPageScan.send(client, post("/-/reload").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(applied.statusCode()).isEqualTo(200);
    JsonNode appliedBody = new ObjectMapper().readTree(applied.body());
    assertThat(appliedBody.path("reloaded").asBoolean()).isTrue();
    assertThat(appliedBody.path("source").asText()).isEqualTo(file.toString());
    assertThat(appliedBody.path("restartNeeded").isArray()).isTrue();
    assertThat(appliedBody.path("restartNeeded")).isEmpty();
    assertThat(applied.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(fromAPage.statusCode()).isEqualTo(403);
    assertThat(read.statusCode()).isEqualTo(405);
    assertThat(read.headers().firstValue("Allow")).hasValue("POST");
    assertThat(refused.statusCode()).isEqualTo(422);
    JsonNode refusedBody = new ObjectMapper().readTree(refused.body());
    assertThat(refusedBody.path("reloaded").asBoolean(true)).isFalse();
    assertThat(refusedBody.path("problems").get(0).asText()).startsWith(file + ":2: server.port:");
    assertThat(body("/app/version.sh")).isEqualTo("version 2\n");
  }

  @Test
  void aClientOutsideTheLocalNetworksCannotReload() throws Exception {
    // TEST-NET-1 as the only local network makes this loopback client a remote one.
    write(ReloadSite.toml("v2", "local-clients = [\"192.0.2.0/24\"]", ""));
    assertThat(server.reload()).isInstanceOf(Reload.Applied.class);
    write(ReloadSite.toml("v1", ""));

    HttpResponse<String> remote = JettyPageScan.send(client, post("/-/reload").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(remote.statusCode()).isEqualTo(403);
    assertThat(body("/app/version.sh")).isEqualTo("version 2\n");
  }

  private String problem(String key, String line) throws Exception {
    Path alone = temp.resolve("alone.toml");
    String table = key.substring(0, key.indexOf('.'));
    Files.writeString(alone, "[" + table + "]\n" + line + "\n");
    try {
      new ConfigLoader(temp).load(alone);
    } catch (io.cgiguard.config.ConfigException e) {
      return e.problems().get(0).message();
    }
    throw new AssertionError(line + " was accepted");
  }

  private void write(String toml) throws Exception {
    Files.writeString(file, toml);
  }

  private String body(String path) throws Exception {
    HttpResponse<String> response = JettyPageScan.send(client,
        get(path), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build();
  }

  private HttpRequest.Builder post(String path) {
    return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.noBody());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
