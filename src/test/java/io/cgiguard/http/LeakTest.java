package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of faulting requests of every kind, then the gateway's descriptors, threads and
 * children must be back where they were: a leak of one per request would show by thousands.
 */
class LeakTest {

  private static final int CLIENTS = 16;
  private static final int REQUESTS = 5_000;
  private static final int WARM_UP = 320;
  /**
   * Descriptors the JVM may open lazily once and keep (a jar, a log file, an entropy source);
   * every request here uses a connection of its own that both sides close, so none is pooled.
   */
  private static final int DESCRIPTOR_SLACK = 8;
  /**
   * Jetty's pool and the stdin pumps are started full and never grow, so the count must come back
   * exactly; the slack is for threads the JVM itself may add (a compiler thread, say).
   */
  private static final int THREAD_SLACK = CLIENTS;
  /**
   * The JDK launcher's per-script pools: idle threads die after 5 s, so these must come back to
   * zero. (The kill scheduler's one thread runs from start to close and is not counted.)
   */
  private static final List<String> LAUNCH_THREADS =
      List.of("cgiguard-reaper-", "cgiguard-stderr-");

  /** A streaming script whose client leaves after the first line of the body. */
  private static final String DISCONNECT = "/after-headers/stream-forever.sh?";

  @TempDir
  Path pids;

  private List<String> faults() {
    return List.of("/before-headers/exit-mid-header-line.sh",
        "/before-headers/header-without-colon.cgi",
        "/before-headers/hang-before-headers.sh?" + pids, "/before-headers/segfault.sh",
        "/processes/grandchild-holds-stdout.sh?" + pids,
        "/resources/flood-stderr-then-answer.pl?1",
        DISCONNECT + pids);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void faultingRequestsLeaveNoDescriptorThreadOrProcessBehind() throws Exception {
    try (TestGateway gateway = TestGateway.start("""
        [timeouts]
        header = "300ms"
        kill-grace = "200ms"
        linger = "100ms"
        [retry]
        attempts = 2
        backoff = "10ms"
        [circuit]
        window = 10000
        min-requests = 10000
        [concurrency]
        max-running = 32
        max-per-script = 16
        queue = 1000
        queue-wait = "60s"
        """)) {
      load(gateway, WARM_UP);
      awaitQuiet();
      int descriptors = ProcessTable.openDescriptors();
      int threads = Thread.getAllStackTraces().size();

      long start = System.nanoTime();
      Map<Integer, Integer> statuses = load(gateway, REQUESTS);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.printf("LeakTest: %d requests in %d ms, statuses %s%n", REQUESTS, tookMillis,
          statuses);
      assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
      assertThat(statuses.keySet()).containsOnly(200, 502, 504);

      Duration settled = awaitQuiet();
      ProcessTable.await(Duration.ofSeconds(30),
          () -> ProcessTable.openDescriptors() <= descriptors + DESCRIPTOR_SLACK,
          "descriptors back to " + descriptors + " (+" + DESCRIPTOR_SLACK + ")");
      ProcessTable.await(Duration.ofSeconds(30),
          () -> Thread.getAllStackTraces().size() <= threads + THREAD_SLACK,
          "threads back to " + threads + " (+" + THREAD_SLACK + ")");
      System.out.printf("LeakTest: quiet %d ms after the load; descriptors %d -> %d, threads %d"
          + " -> %d%n", settled.toMillis(), descriptors, ProcessTable.openDescriptors(), threads,
          Thread.getAllStackTraces().size());
      assertThat(recordedPids()).hasSizeGreaterThan(REQUESTS / faults().size())
          .allMatch(ProcessTable::gone);
    }
  }

  /** No child of ours (zombies included), and the launcher's own threads all idled out. */
  private static Duration awaitQuiet() {
    return ProcessTable.await(Duration.ofSeconds(30),
        () -> ProcessTable.children().isEmpty() && launchThreads() == 0,
        "no children and no launcher threads");
  }

  private static long launchThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> LAUNCH_THREADS.stream().anyMatch(t.getName()::startsWith)).count();
  }

  private List<Long> recordedPids() throws IOException {
    try (Stream<Path> files = Files.list(pids)) {
      return files.flatMap(f -> {
        try {
          return Files.readAllLines(f).stream();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).filter(line -> !line.isBlank()).map(line -> Long.parseLong(line.strip())).toList();
    }
  }

  /** Sends {@code count} requests over the fault mix from {@link #CLIENTS} threads. */
  private Map<Integer, Integer> load(TestGateway gateway, int count) throws Exception {
    List<String> faults = faults();
    AtomicInteger next = new AtomicInteger();
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> running = new java.util.ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        running.add(clients.submit(() -> {
          for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            int status = statusOf(gateway.port(), faults.get(i % faults.size()));
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
          }
          return null;
        }));
      }
      for (Future<?> client : running) {
        client.get();
      }
    } finally {
      clients.shutdownNow();
    }
    Map<Integer, Integer> counted = new TreeMap<>();
    statuses.forEach((status, n) -> counted.put(status, n.intValue()));
    return counted;
  }

  /**
   * One request on a connection of its own, read to its end (or only its first bytes, for the
   * disconnecting kind); the status, or -1 if none.
   */
  private static int statusOf(int port, String pathAndQuery) throws IOException {
    try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(30))) {
      connection.send("GET " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      // Leave mid-body for the disconnecting kind: closing the socket is the client going away.
      String first = pathAndQuery.startsWith(DISCONNECT) ? connection.readUntil("\r\n")
          : connection.readToClose();
      return first.startsWith("HTTP/1.1 ") ? Integer.parseInt(first.substring(9, 12)) : -1;
    }
  }
}
