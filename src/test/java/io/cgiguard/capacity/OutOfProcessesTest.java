package io.cgiguard.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.Polling;
import io.cgiguard.cli.ServeChild;
import io.cgiguard.http.ProcessTable;
import io.cgiguard.http.RawConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine runs out of processes, for real: {@code cgiguard serve} in a child JVM (dropped from
 * root to an unprivileged user) is held in a pids cgroup made for the test, or given an
 * RLIMIT_NPROC with {@code prlimit}, a few tasks above what it uses idle, and takes a burst of 12
 * clients sending 60 requests to a script that takes 0.3 s.
 *
 * <p>Every reply must be complete (200, or 503/502 naming {@code spawn-failed} with {@code
 * Retry-After}); none may close without a response; some must be recovered by a retry; the
 * script's circuit stays closed; the running limit drops and comes back once the limit is lifted,
 * after which every request succeeds and no descriptor, thread or child is left behind; the log
 * holds one line per shortage episode naming the limit, and no stack trace.
 */
class OutOfProcessesTest {

  private static final Path SCRIPT = Path.of(System.getProperty("cgiguard.project.dir", "."))
      .toAbsolutePath().normalize().resolve("test-scripts/exhaustion/slow-0.3s.pl");
  private static final String URL_PATH = "/cgi-bin/slow-0.3s.pl";
  private static final Path HELD = SCRIPT.getParent().resolveSibling("responses")
      .resolve("hold-6s-then-answer.sh");
  private static final Path HANG = SCRIPT.getParent().resolveSibling("before-headers")
      .resolve("hang-before-headers.sh");
  private static final int MAX_RUNNING = 8;
  private static final int CLIENTS = 12;
  private static final int PER_CLIENT = 5;
  /** Tasks the limit leaves above what the idle gateway uses. */
  private static final int HEADROOM = 3;
  /** Descriptors the JVM may open lazily once and keep (a jar, a log file). */
  private static final int DESCRIPTOR_SLACK = 8;
  /** Threads the JVM may add by itself (a compiler or collector thread); the gateway adds none. */
  private static final int THREAD_SLACK = 4;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EPISODE_END = Pattern.compile("INFO .*process shortage over after "
      + ".*, at most (\\d+) scripts at once at the lowest; running up to " + MAX_RUNNING
      + " again");

  @TempDir Path temp;
  private Path root;
  private ServeChild child;
  private ShortageLimiter limiter;

  @BeforeEach
  void requireRoot() throws IOException {
    assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
        "a cgroup or an rlimit on another process can only be set by a test that runs as root");
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    root = ServeChild.readableDirectory(temp.resolve("gateway"));
    Path cgiBin = ServeChild.readableDirectory(root.resolve("cgi-bin"));
    Files.copy(SCRIPT, cgiBin.resolve(SCRIPT.getFileName()));
    Files.setPosixFilePermissions(cgiBin.resolve(SCRIPT.getFileName()),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    ServeChild.readableDirectory(root.resolve("docroot"));
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (child != null) {
      child.close();
    }
    if (limiter != null) {
      limiter.remove();
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void pidsCgroupFullOfTasks() throws Exception {
    Path hierarchy = pidsHierarchy();
    child = serve("nobody");
    int port = child.awaitListening(Duration.ofSeconds(60)).getPort();
    limiter = ShortageLimiter.PidsCgroup.holding(hierarchy,
        "cgiguard-shortage-" + child.pid(), child.pid());
    shortageIsAnsweredAndOutlived(port, port);
  }

  /**
   * The same shortage behind a real nginx that reaches the gateway over its FastCGI socket, as
   * fcgiwrap users run it: every reply nginx sends is complete, and what reaches the client in
   * the shortage is the gateway's own 503 naming spawn-failed with Retry-After, never nginx's
   * bare 502. Only the gateway is in the cgroup; nginx runs beside it.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void pidsCgroupFullOfTasksBehindNginxOverFastCgi() throws Exception {
    Path hierarchy = pidsHierarchy();
    Path socket = root.resolve("fcgi.sock");
    child = ServeChild.start(root, configFor("nobody") + """
        [fastcgi]
        listen = "unix:%s"
        socket-owner = "nobody"
        socket-mode = "0600"
        """.formatted(socket));
    int port = child.awaitListening(Duration.ofSeconds(60)).getPort();
    try (io.cgiguard.http.NginxFront nginx = io.cgiguard.http.NginxFront.start(
        temp.resolve("nginx"), """
        location /cgi-bin/ {
          include %s;
          fastcgi_pass unix:%s;
        }
        """.formatted(io.cgiguard.http.NginxFront.FASTCGI_PARAMS, socket))) {
      limiter = ShortageLimiter.PidsCgroup.holding(hierarchy,
          "cgiguard-shortage-fcgi-" + child.pid(), child.pid());
      shortageIsAnsweredAndOutlived(port, nginx.port());
    }
  }

  /**
   * The operator's signals in the same shortage. With the gateway's cgroup full to its last task
   * no thread can be made, and the JVM's own signal handling makes one per signal (it printed
   * {@code Exception java.lang.OutOfMemoryError occurred dispatching signal SIGTERM to handler}
   * and dropped the signal). The limit is set again just before each signal, so that a task that
   * ended in between (a compiler thread the JVM retired) leaves no room: SIGHUP still reloads,
   * SIGUSR1 still reopens the access log, and SIGTERM still drains, lets the script that was
   * running answer, and ends serve with 0.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void signalsAreActedOnWhenNoThreadCanBeMade() throws Exception {
    ShortageLimiter.PidsCgroup group = serveInGroup("cgiguard-signals-");
    int port = child.awaitListening(Duration.ofSeconds(60)).getPort();
    group.limitTo(0);
    Reply refused = get(port, URL_PATH);
    assertThat(refused.status()).as("a script cannot start: the shortage is real").isEqualTo(503);
    assertThat(refused.header("x-cgiguard-failure")).isEqualTo("spawn-failed");

    group.limitTo(0);
    child.signal("HUP");
    awaitLog("INFO .*reload: .*cgiguard\\.toml applied");
    group.limitTo(0);
    child.signal("USR1");
    awaitLog("INFO .*SIGUSR1: access log reopened");

    // A script is running when the stop comes, and the drain waits for it in a full table.
    CompletableFuture<Reply> answer = runThenFill(group, port, HELD);
    child.signal("TERM");
    awaitLog("INFO .*drained: every request finished");
    Reply reply = answer.get(60, TimeUnit.SECONDS);
    assertThat(reply.status()).as("the script running at the stop").isEqualTo(200);
    assertThat(reply.body()).isEqualTo("held\n");
    assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).as("serve ended").isTrue();
    assertThat(child.process().exitValue()).as(child.stderr()).isZero();
    assertThat(child.stderr()).doesNotContain("dispatching signal")
        .doesNotContain("OutOfMemoryError");
  }

  /**
   * Ctrl-C in the same shortage: {@code SIGINT} stops serve at once with the JVM's status for it
   * (130), and a script that would sleep for five minutes is killed first rather than left behind,
   * although the JVM could not make a thread for its shutdown hook.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void sigintStopsAtOnceAndKillsTheScriptsWhenNoThreadCanBeMade() throws Exception {
    ShortageLimiter.PidsCgroup group = serveInGroup("cgiguard-sigint-");
    int port = child.awaitListening(Duration.ofSeconds(60)).getPort();
    // How the hanging script's connection ends, the gateway stopping under it, is not tested.
    CompletableFuture<Reply> unused = runThenFill(group, port, HANG);
    // The script (a shell that became sleep 300) and anything it started.
    List<Long> scripts = new ArrayList<>();
    ProcessTable.childrenOf(child.pid()).forEach(script -> {
      scripts.add(script.pid());
      ProcessTable.childrenOf(script.pid()).forEach(inner -> scripts.add(inner.pid()));
    });
    child.signal("INT");
    assertThat(child.process().waitFor(20, TimeUnit.SECONDS)).as("serve ended at once: "
        + child.stderr()).isTrue();
    assertThat(child.process().exitValue()).as(child.stderr()).isEqualTo(130);
    assertThat(scripts).as("the running script, killed").allSatisfy(pid -> assertThat(
        Polling.eventually(Duration.ofSeconds(10),
            () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true))).isTrue());
    assertThat(child.stderr()).contains("SIGINT: stopping now")
        .doesNotContain("dispatching signal");
  }

  /** Starts serve as nobody, held in a pids cgroup of its own named {@code prefix + pid}. */
  private ShortageLimiter.PidsCgroup serveInGroup(String prefix) throws Exception {
    Path hierarchy = pidsHierarchy();
    child = serve("nobody");
    child.awaitListening(Duration.ofSeconds(60));
    ShortageLimiter.PidsCgroup group = ShortageLimiter.PidsCgroup.holding(hierarchy,
        prefix + child.pid(), child.pid());
    limiter = group;
    return group;
  }

  /**
   * Puts {@code script} under /cgi-bin/ and requests it with room in the group for it to start
   * (a shell and one command), then, once it runs, leaves the group no room at all.
   *
   * @return the reply, once the script has answered (or the connection ended)
   */
  private CompletableFuture<Reply> runThenFill(ShortageLimiter.PidsCgroup group, int port,
      Path script) throws Exception {
    Path copy = root.resolve("cgi-bin").resolve(script.getFileName());
    Files.copy(script, copy);
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
    group.limitTo(6);
    CompletableFuture<Reply> reply = CompletableFuture.supplyAsync(() -> {
      try {
        return get(port, "/cgi-bin/" + script.getFileName());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    ProcessTable.await(Duration.ofSeconds(30),
        () -> !ProcessTable.childrenOf(child.pid()).isEmpty(), script.getFileName() + " started");
    group.limitTo(0);
    return reply;
  }

  /** Waits up to 30 s for a line of the gateway's log that {@code regex} finds. */
  private void awaitLog(String regex) throws IOException, InterruptedException {
    Pattern line = Pattern.compile(regex);
    boolean seen = Polling.eventually(Duration.ofSeconds(30), () -> {
      try {
        return line.matcher(child.stderr()).find();
      } catch (IOException e) {
        return false;
      }
    });
    assertThat(seen).as("log line /" + regex + "/ in:\n" + child.stderr()).isTrue();
  }

  /**
   * A gateway whose threads do not fit under the limit at all fails at start-up, with one line
   * that names the limit, rather than later, request by request.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void gatewayWhoseThreadsDoNotFitStopsWithOneLine() throws Exception {
    Path hierarchy = pidsHierarchy();
    ShortageLimiter.PidsCgroup group = ShortageLimiter.PidsCgroup.empty(hierarchy,
        "cgiguard-too-small-" + ProcessHandle.current().pid());
    limiter = group;
    // Room for the JVM and the launcher, not for the default 64 + 256 + 16 request threads.
    group.limit(100);
    child = ServeChild.startInCgroup(root, ServeChild.cgiBinConfig(root.resolve("docroot"),
        root.resolve("cgi-bin"), ""), group.procs());

    assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).as("serve ended").isTrue();
    assertThat(child.process().exitValue()).isNotZero();
    List<String> errors = child.stderr().lines().filter(line -> line.startsWith("cgiguard: "))
        .toList();
    assertThat(errors).singleElement().asString().contains("cannot make the gateway's")
        .contains("cgroup pids.max 100 reached");
    assertThat(child.stderr()).doesNotContain("\tat ");
    assertThat(child.stdout()).doesNotContain("listening");
  }

  /**
   * A limit that leaves the gateway room for its threads but not for max-running scripts is
   * named at start-up, with what to change, and the gateway serves on.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void limitTooTightForMaxRunningIsNamedAtStartUp() throws Exception {
    Path hierarchy = pidsHierarchy();
    ShortageLimiter.PidsCgroup group = ShortageLimiter.PidsCgroup.empty(hierarchy,
        "cgiguard-tight-" + ProcessHandle.current().pid());
    limiter = group;
    // The gateway's threads for max-running 8 are about 64; 8 scripts of 2 tasks would need 16
    // more.
    int limit = CapacityPlan.gatewayThreads(400, MAX_RUNNING) + 8;
    group.limit(limit);
    child = ServeChild.startInCgroup(root, configFor("nobody"), group.procs());
    int port = child.awaitListening(Duration.ofSeconds(60)).getPort();

    assertThat(child.stderr().lines().filter(line -> line.contains("WARN")
        && line.contains("capacity:")).toList()).singleElement().asString()
        .contains("cgroup pids.max " + limit)
        .contains("max-running = " + MAX_RUNNING + " scripts may take " + 2 * MAX_RUNNING)
        .contains("set max-running to at most");
    assertThat(get(port, URL_PATH).status()).isEqualTo(200);
  }

  /**
   * The gateway runs as {@code daemon}, a user no other test runs as: RLIMIT_NPROC counts every
   * task of the uid, so another gateway dropping to the same user would move the limit.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void rlimitNprocOfTheRunAsUser() throws Exception {
    assumeTrue(Files.readAllLines(Path.of("/etc/passwd")).stream()
        .anyMatch(line -> line.startsWith("daemon:")), "this machine has no user daemon to run as");
    assumePrlimit();
    child = serve("daemon");
    int port = child.awaitListening(Duration.ofSeconds(60)).getPort();
    limiter = new ShortageLimiter.UserProcesses(child.pid());
    shortageIsAnsweredAndOutlived(port, port);
  }

  /**
   * The gateway runs out of descriptors (RLIMIT_NOFILE a few above what it holds idle): a script's
   * pipes cannot be made. That is a shortage like a full process table, not the script's
   * failure: a complete 503 with Retry-After naming the limit, the script's circuit left closed,
   * and the gateway back to running the script by itself once the limit is lifted.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void descriptorsRunOut() throws Exception {
    assumePrlimit();
    child = serve("nobody");
    int port = child.awaitListening(Duration.ofSeconds(60)).getPort();
    assertThat(get(port, URL_PATH).status()).isEqualTo(200);
    awaitNoChildren();
    limiter = new ShortageLimiter.OpenFiles(child.pid());
    // One for the request's connection and two for the first pipe; the second pipe fails.
    limiter.limitTo(3);

    List<Reply> refused = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      refused.add(get(port, URL_PATH));
    }
    limiter.lift();

    assertThat(refused).allSatisfy(r -> {
      assertThat(r.complete()).as(r.body()).isTrue();
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.header("x-cgiguard-failure")).isEqualTo("spawn-failed");
      assertThat(r.header("retry-after")).matches("[1-9][0-9]*");
    });
    assertThat(refused.get(0).body()).contains("RLIMIT_NOFILE");
    assertThat(Polling.eventually(Duration.ofSeconds(30),
        () -> getQuietly(port, URL_PATH) == 200)).as("running scripts again").isTrue();
    assertThat(status(port).path("circuits")).allSatisfy(circuit ->
        assertThat(circuit.path("state").asText()).isEqualTo("closed"));
    assertThat(child.stderr()).contains("process shortage: the gateway has no file descriptor "
        + "left").doesNotContain("\tat ");
  }

  /**
   * The same shortage meets a static file and the listener itself. The idle acceptor already
   * holds the slot of the next connection (accept(2) takes it before it waits), so with no
   * descriptor free the first request is accepted and its file cannot be opened: a 503 naming
   * RLIMIT_NOFILE, not a 500 with a stack trace. The acceptor then finds no slot for the next
   * connection, which is answered 503 with the descriptor the listener keeps in reserve instead of
   * waiting unseen in the listen queue. The log says each once, and once the limit is lifted the
   * same file is served whole.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void descriptorsRunOutForFilesAndConnections() throws Exception {
    assumePrlimit();
    Path docroot = root.resolve("docroot");
    String content = "report line\n".repeat(80_000);
    for (String name : List.of("warm-up.txt", "report.txt")) {
      Files.writeString(docroot.resolve(name), content);
      Files.setPosixFilePermissions(docroot.resolve(name),
          PosixFilePermissions.fromString("rw-r--r--"));
    }
    child = serve("nobody");
    int port = child.awaitListening(Duration.ofSeconds(60)).getPort();
    // The classes of a file served and of a refusal are loaded before the limit (the child runs
    // from a class directory, whose files cannot be read then), and nothing is open but what the
    // idle gateway holds.
    assertThat(get(port, "/warm-up.txt").body()).hasSize(content.length());
    assertThat(get(port, "/missing.txt").status()).isEqualTo(404);
    awaitSteadyDescriptors();
    limiter = new ShortageLimiter.OpenFiles(child.pid());
    limiter.limitTo(0);

    Reply file = get(port, "/report.txt");
    List<Reply> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(get(port, "/report.txt"));
    }
    limiter.lift();

    assertThat(file.complete()).as(file.body()).isTrue();
    assertThat(file.status()).as(file.body()).isEqualTo(503);
    assertThat(file.header("retry-after")).isEqualTo("1");
    assertThat(file.body()).contains("no file descriptor left to open this file");
    assertThat(waiting).allSatisfy(r -> {
      assertThat(r.complete()).as(r.body()).isTrue();
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.header("retry-after")).isEqualTo("1");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(r.body()).contains("no file descriptor left for a new connection");
    });
    assertThat(Polling.eventually(Duration.ofSeconds(30),
        () -> getQuietly(port, "/report.txt") == 200)).as("serving the file again").isTrue();
    assertThat(get(port, "/report.txt").body()).isEqualTo(content);
    assertThat(Polling.eventually(Duration.ofSeconds(30), () -> {
      getQuietly(port, "/warm-up.txt");
      return log().contains("accepting connections again");
    })).as("the end of the episode logged").isTrue();
    String log = child.stderr();
    assertThat(log).doesNotContain("\tat ").doesNotContain("Accept Failure");
    assertThat(log.lines().filter(line -> line.contains("answered 503: the gateway has no file "
        + "descriptor left for this file"))).hasSize(1);
    assertThat(log.lines().filter(line -> line.contains("accept fails with EMFILE")))
        .singleElement().asString().contains("RLIMIT_NOFILE");
    assertThat(log).containsPattern("accepting connections again; descriptors ran out for \\d+ "
        + "ms \\(\\d+ failed accepts, 3 connections answered 503\\)");
  }

  /**
   * Waits until the gateway's open descriptors have not changed for 15 polls (300 ms): the
   * gateway closes a connection only once it sees its client close, a moment after the client
   * has its answer, and a limit counted before that would leave one descriptor free.
   */
  private void awaitSteadyDescriptors() {
    String pid = Long.toString(child.pid());
    int[] last = {-1};
    int[] same = {0};
    ProcessTable.await(Duration.ofSeconds(30), () -> {
      int now = ProcessTable.openDescriptors(pid);
      same[0] = now == last[0] ? same[0] + 1 : 0;
      last[0] = now;
      return same[0] >= 15;
    }, "the gateway's open descriptors steady for 300 ms");
  }

  private static void assumePrlimit() {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit"))
        && Files.isExecutable(Path.of("/usr/bin/setpriv")), "prlimit or setpriv (util-linux) is "
        + "missing");
  }

  private static int getQuietly(int port, String path) {
    try {
      return get(port, path).status();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * @param port the gateway's HTTP port, for its status and metrics
   * @param front where the clients send their requests: that port, or a front server's
   */
  private void shortageIsAnsweredAndOutlived(int port, int front) throws Exception {
    // Every path of the burst once before counting, so the JVM's lazy start-up is not counted.
    assertThat(statuses(burst(front, CLIENTS, 2))).containsOnlyKeys(200);
    awaitNoChildren();
    int descriptors = ProcessTable.openDescriptors(Long.toString(child.pid()));
    long threads = threads();

    limiter.limitTo(HEADROOM);
    List<Reply> replies = burst(front, CLIENTS, PER_CLIENT);
    JsonNode during = status(port);
    String metricsDuring = get(port, "/-/metrics").body();
    limiter.lift();
    System.out.printf("OutOfProcessesTest %s: %s, attempts %s, running limit down to %d%n",
        limiter.boundName(), statuses(replies), attempts(replies),
        during.path("capacity").path("lowestRunningLimit").asInt());

    assertThat(replies).hasSize(CLIENTS * PER_CLIENT);
    assertThat(replies).as("closed without a response").noneMatch(r -> r.status() < 0);
    assertThat(replies).as("complete replies").allMatch(Reply::complete);
    assertThat(statuses(replies).keySet()).isSubsetOf(200, 502, 503).contains(503);
    assertThat(replies).filteredOn(r -> r.status() != 200).allSatisfy(r -> {
      assertThat(r.header("x-cgiguard-failure")).isEqualTo("spawn-failed");
      assertThat(r.header("retry-after")).matches("[1-9][0-9]*");
    });
    assertThat(replies).as("recovered by a retry")
        .anyMatch(r -> r.status() == 200 && Integer.parseInt(r.header("x-cgiguard-attempts")) > 1);
    assertThat(during.path("capacity").path("lowestRunningLimit").asInt())
        .as("running limit during the shortage").isLessThan(MAX_RUNNING);
    assertThat(during.path("circuits")).allSatisfy(circuit ->
        assertThat(circuit.path("state").asText()).isEqualTo("closed"));
    assertThat(during.path("capacity").path("bounds").findValuesAsText("name"))
        .contains(limiter.boundName());
    assertThat(metricsDuring).contains("cgiguard_headroom{limit=\"" + limiter.boundName() + "\"");

    List<Reply> after = burst(front, 4, 5);
    assertThat(statuses(after)).containsOnlyKeys(200);
    boolean recovered = Polling.eventually(Duration.ofSeconds(30), () -> {
      try {
        JsonNode capacity = status(port).path("capacity");
        if (capacity.path("runningLimit").asInt() == MAX_RUNNING
            && !capacity.path("shortage").asBoolean()) {
          return true;
        }
        assertThat(get(front, URL_PATH).status()).isEqualTo(200);
        return false;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(recovered).as("running limit back at %d", MAX_RUNNING).isTrue();
    assertThat(get(port, "/-/metrics").body())
        .contains("cgiguard_scripts_limit " + MAX_RUNNING + ".0")
        .contains("cgiguard_process_shortage 0.0");

    awaitNoChildren();
    ProcessTable.await(Duration.ofSeconds(30), () -> ProcessTable.openDescriptors(
        Long.toString(child.pid())) <= descriptors + DESCRIPTOR_SLACK,
        "descriptors back to " + descriptors);
    ProcessTable.await(Duration.ofSeconds(30), () -> threads() <= threads + THREAD_SLACK,
        "threads back to " + threads);

    JsonNode capacity = status(port).path("capacity");
    long episodes = capacity.path("episodes").asLong();
    assertThat(episodes).isPositive();
    // The limit changes only inside the gateway's shortage accounting, which keeps the lowest it
    // set and ends each episode with one line naming that episode's lowest once the limit is
    // whole: between them every change is seen, however short, with no sampling.
    assertThat(Polling.eventually(Duration.ofSeconds(10),
        () -> episodeEnds().size() == episodes))
        .as("one line per episode saying the limit is back at %d", MAX_RUNNING).isTrue();
    assertThat(episodeEnds().stream().mapToInt(Integer::intValue).min())
        .as("lowest running limit of the episodes").hasValue(
            capacity.path("lowestRunningLimit").asInt());
    String log = child.stderr();
    List<String> episodeLines = log.lines()
        .filter(line -> line.contains("WARN") && line.contains("process shortage:")).toList();
    assertThat(episodeLines).hasSize((int) episodes)
        .allSatisfy(line -> assertThat(line).contains(limiter.boundName()));
    assertThat(log).doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
    // Standard output holds the listening line and the access log, which marks every request
    // answered in the shortage as spawn-failed with 503; nothing else (no JVM thread warning).
    java.util.function.Predicate<String> accessLine =
        java.util.regex.Pattern.compile("^\\S+ - \\S+ \\[[^]]+] \"").asPredicate();
    List<String> accessLines = child.stdout().lines().filter(accessLine)
        .filter(l -> l.contains("\"GET " + URL_PATH)).toList();
    assertThat(child.stdout().lines().filter(accessLine.negate())
        .filter(line -> !line.startsWith("cgiguard FastCGI on ")))
        .as("no JVM warning about a thread it could not make")
        .singleElement().asString().startsWith("cgiguard listening on");
    assertThat(accessLines.stream().filter(l -> l.contains("\" 503 ")))
        .as("access log lines of the shortage's 503s").isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("outcome=spawn-failed"));
  }

  /** @return the pids cgroup hierarchy; the test is skipped, saying why, on a machine without */
  private static Path pidsHierarchy() {
    java.util.Optional<Path> hierarchy = ShortageLimiter.PidsCgroup.hierarchy();
    assumeTrue(hierarchy.isPresent(), "this machine has no writable pids cgroup hierarchy "
        + "(neither /sys/fs/cgroup/pids nor a v2 root delegating pids)");
    return hierarchy.get();
  }

  private ServeChild serve(String runAs) throws IOException {
    return ServeChild.start(root, configFor(runAs));
  }

  private String configFor(String runAs) {
    return """
        [server]
        bind = "127.0.0.1"
        port = 0
        docroot = "%s"
        run-as = "%s"
        [concurrency]
        max-running = %d
        max-per-script = %d
        queue = 16
        [retry]
        attempts = 8
        backoff = "100ms"
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(root.resolve("docroot"), runAs, MAX_RUNNING, MAX_RUNNING,
        root.resolve("cgi-bin"));
  }

  private void awaitNoChildren() {
    ProcessTable.await(Duration.ofSeconds(30),
        () -> ProcessTable.childrenOf(child.pid()).isEmpty(), "no script left running");
  }

  private long threads() {
    return Capacity.statusField(Path.of("/proc", Long.toString(child.pid()), "status"),
        "Threads:").orElse(-1);
  }

  /** @return the lowest running limit named by each line of the log that ends an episode */
  private List<Integer> episodeEnds() {
    return log().lines().map(EPISODE_END::matcher).filter(Matcher::find)
        .map(end -> Integer.parseInt(end.group(1))).toList();
  }

  /** @return the child's log so far, for a condition polled in a lambda */
  private String log() {
    try {
      return child.stderr();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode status(int port) throws IOException {
    Reply reply = get(port, "/-/status.json");
    assertThat(reply.status()).as("status.json").isEqualTo(200);
    return JSON.readTree(reply.body());
  }

  /** {@code clients} threads sending {@code each} requests, each on a connection of its own. */
  private static List<Reply> burst(int port, int clients, int each) throws Exception {
    List<Reply> replies = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        running.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            replies.add(get(port, URL_PATH));
          }
          return null;
        }));
      }
      for (Future<?> client : running) {
        client.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return List.copyOf(replies);
  }

  private static Map<Integer, Integer> statuses(List<Reply> replies) {
    Map<Integer, Integer> counted = new TreeMap<>();
    replies.forEach(r -> counted.merge(r.status(), 1, Integer::sum));
    return counted;
  }

  private static Map<String, Integer> attempts(List<Reply> replies) {
    Map<String, Integer> counted = new TreeMap<>();
    replies.forEach(r -> counted.merge(r.status() + "x" + r.header("x-cgiguard-attempts"), 1,
        Integer::sum));
    return counted;
  }

  /** One GET on a new connection, read to the server's close. */
  private static Reply get(int port, String path) throws IOException {
    try (RawConnection connection = RawConnection.open(port, Duration.ofSeconds(60))) {
      return Reply.parse(connection.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\n\r\n").readToClose());
    }
  }

  /**
   * What came back: the status (-1 when the connection closed without a status line), the
   * header fields (names in lower case) and whether the body is whole by its framing.
   */
  private record Reply(int status, Map<String, String> headers, String body, boolean complete) {

    static Reply parse(String text) {
      int end = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.1 ") || end < 0) {
        return new Reply(-1, Map.of(), text, false);
      }
      Map<String, String> headers = new TreeMap<>();
      for (String line : text.substring(0, end).split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).trim());
        }
      }
      String body = text.substring(end + 4);
      boolean complete;
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        complete = body.endsWith("0\r\n\r\n");
      } else if (headers.containsKey("content-length")) {
        complete = body.length() == Integer.parseInt(headers.get("content-length"));
      } else {
        complete = true; // delimited by the close, which came
      }
      return new Reply(Integer.parseInt(text.substring(9, 12)), headers, body, complete);
    }

    String header(String name) {
      return headers.getOrDefault(name, "");
    }
  }
}
