package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway with nothing to do lets its own timing threads sleep: the watchdog's rounds, the
 * reap loop's turns and the watch for clients that leave each wake a thread only while there is
 * something to time. Counted, for real, in the voluntary context switches the kernel keeps for
 * each of the gateway's threads (those of this JVM that appeared when it started), after a request
 * that used all three and a reload.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@EnabledOnOs(value = OS.LINUX, disabledReason = "counts context switches in /proc/self/task")
class IdleGatewayTest {

  /**
   * The threads that used to wake on a period whether or not there was anything to do:
   * cgiguard-timer-N, cgiguard-reap-loop and cgiguard-client-hangups, as the kernel names them
   * (15 characters at most).
   */
  private static final Set<String> TIMING_THREADS =
      Set.of("cgiguard-timer-", "cgiguard-reap-l", "cgiguard-client");

  @TempDir Path temp;
  private ReloadSite.Running gateway;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void theTimingThreadsOfAnIdleGatewaySleep() throws Exception {
    Set<String> before = tasks();
    Path file = temp.resolve("cgiguard.toml");
    Files.writeString(file, ReloadSite.toml("v1", ""));
    gateway = ReloadSite.start(file);
    GatewayServer server = gateway.server();

    // Longer than the client watch's delay, with a header timeout and a body watch.
    HttpResponse<String> slow = JettyPageScan.send(client, get("/slow/slow.sh"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(slow.statusCode()).isEqualTo(200);
    assertThat(server.reload()).isInstanceOf(Reload.Applied.class);
    assertThat(JettyPageScan.send(client, get("/app/version.sh"),
        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("version 1\n");
    Set<String> gateway = new HashSet<>(tasks());
    gateway.removeAll(before);

    Map<String, Long> quiet = quietWindow(gateway);

    assertThat(TIMING_THREADS).as("the gateway's timing threads, each found").allSatisfy(kind ->
        assertThat(quiet.keySet()).anySatisfy(thread -> assertThat(thread).startsWith(kind)));
    assertThat(quiet).as("wake-ups of each timing thread in one idle second")
        .allSatisfy((name, wakes) -> assertThat(wakes).as(name).isZero());
    // Asleep is not stuck: the next request is served as before.
    assertThat(JettyPageScan.send(client, get("/app/version.sh"),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  /**
   * Waits, up to 15 s, for a second in which none of the gateway's timing threads woke, and
   * returns the wake-ups of that second (or of the last second measured) by thread.
   */
  private static Map<String, Long> quietWindow(Set<String> gateway) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    Map<String, Long> last;
    do {
      Map<String, Long> start = switches(gateway);
      Thread.sleep(1000);
      Map<String, Long> end = switches(gateway);
      last = new TreeMap<>();
      for (Map.Entry<String, Long> thread : end.entrySet()) {
        last.put(thread.getKey(), thread.getValue() - start.getOrDefault(thread.getKey(), 0L));
      }
      if (last.values().stream().allMatch(wakes -> wakes == 0)) {
        return last;
      }
    } while (System.nanoTime() - deadline < 0);
    return last;
  }

  /** Voluntary context switches of the timing threads among {@code tids}, by "name tid". */
  private static Map<String, Long> switches(Set<String> tids) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    for (String tid : tids) {
      Path task = Path.of("/proc/self/task", tid);
      String name;
      String status;
      try {
        name = Files.readString(task.resolve("comm")).strip();
        status = Files.readString(task.resolve("status"));
      } catch (IOException gone) {
        continue;
      }
      if (TIMING_THREADS.stream().noneMatch(name::startsWith)) {
        continue;
      }
      long voluntary = status.lines().filter(l -> l.startsWith("voluntary_ctxt_switches:"))
          .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip()))
          .findFirst().orElseThrow();
      counts.put(name + " " + tid, voluntary);
    }
    return counts;
  }

  private static Set<String> tasks() throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      Set<String> tids = new HashSet<>();
      tasks.forEach(task -> tids.add(task.getFileName().toString()));
      return tids;
    }
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(gateway.server().uri().toString().replaceAll("/$", "") + path))
        .timeout(Duration.ofSeconds(20)).build();
  }
}
