package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.load.TrivialEndpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command as a user runs it: flags in, summary, report files and exit status out. */
@Timeout(60)
class LoadCommandTest {

  private static Server server;
  private static String url;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void start() throws Exception {
    server = TrivialEndpoint.start(0);
    url = "http://127.0.0.1:" + TrivialEndpoint.port(server) + "/";
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  @Test
  void writesEveryFigureAsJson() throws Exception {
    Path json = dir.resolve("load.json");

    int status = run(url, "-c", "2", "-n", "300", "-q", "--json", json.toString());

    assertThat(status).isZero();
    JsonNode figures = new ObjectMapper().readTree(json.toFile());
    assertThat(figures.get("requests").asLong()).isEqualTo(300);
    assertThat(figures.get("ok").asLong()).isEqualTo(300);
    assertThat(figures.get("failures").isObject()).isTrue();
    assertThat(figures.get("failures").size()).isZero();
    for (String field : List.of("p50", "p90", "p99", "p999", "max")) {
      assertThat(figures.get("latency_ms").get(field).asDouble()).as(field).isPositive();
    }
    assertThat(figures.get("throughput_rps").asDouble()).isPositive();
    assertThat(out.toString()).contains("requests    300");
  }

  @Test
  void exitsOneWhenTheFailureRatePassesTheGate() throws Exception {
    Path json = dir.resolve("load.json");

    int status = run(url, "-c", "2", "-n", "50", "-q", "--expect-status", "204",
        "--max-failure-rate", "10%", "--json", json.toString());

    assertThat(status).isEqualTo(LoadCommand.EXIT_TOO_MANY_FAILURES);
    assertThat(err.toString()).contains("exceeds --max-failure-rate");
    JsonNode figures = new ObjectMapper().readTree(json.toFile());
    assertThat(figures.get("failures").get("http-200").asLong()).isEqualTo(50);
  }

  @Test
  void writesAnHtmlReport() throws Exception {
    Path html = dir.resolve("load.html");

    assertThat(run(url, "-n", "50", "-q", "--html", html.toString())).isZero();

    assertThat(Files.readString(html)).contains("<svg id='latency-chart'")
        .contains("<svg id='throughput-chart'");
  }

  @Test
  void directModeLaunchesTheScriptWithTheRealLauncher() throws Exception {
    Path json = dir.resolve("direct.json");
    Path script = Path.of(System.getProperty("cgiguard.project.dir", "."))
        .resolve("test-scripts/before-headers/exit-mid-header-line.sh");

    int status = run("--direct", script.toString(), "-c", "2", "-n", "10", "-q",
        "--max-failure-rate", "0.5", "--json", json.toString());

    assertThat(status).isEqualTo(LoadCommand.EXIT_TOO_MANY_FAILURES);
    JsonNode figures = new ObjectMapper().readTree(json.toFile());
    assertThat(figures.get("mode").asText()).isEqualTo("direct");
    assertThat(figures.get("failures").get("exited-before-headers").asLong()).isEqualTo(10);
  }

  @Test
  void badFlagsGiveOneLineAndExitTwo() {
    assertThat(run(url, "--connections", "many")).isEqualTo(LoadCommand.EXIT_USAGE);
    assertThat(run(url, "-d", "3 weeks")).isEqualTo(LoadCommand.EXIT_USAGE);
    assertThat(run("ftp://example.org/", "-n", "1")).isEqualTo(LoadCommand.EXIT_USAGE);
    assertThat(run(url, "--header", "no colon here", "-n", "1"))
        .isEqualTo(LoadCommand.EXIT_USAGE);
    assertThat(run()).isEqualTo(LoadCommand.EXIT_USAGE);

    assertThat(err.toString().lines()).hasSize(5).allMatch(line -> line.startsWith("cgiguard load:"));
    assertThat(err.toString()).contains("not a duration").contains("http:// URL")
        .contains("not a header field").contains("give a URL");
  }

  @Test
  void aPortOutOfRangeIsOneLineAndExitTwo() {
    assertThat(run("http://127.0.0.1:99999/", "-n", "1")).isEqualTo(LoadCommand.EXIT_USAGE);

    assertThat(err.toString().lines()).singleElement().asString()
        .isEqualTo("cgiguard load: the URL's port must be from 1 to 65535: "
            + "http://127.0.0.1:99999/ (see --help)");
  }

  @Test
  void aReportThatCannotBeWrittenIsRefusedBeforeTheRun() throws Exception {
    Path missing = dir.resolve("absent/load.json");
    Path directory = Files.createDirectory(dir.resolve("reports"));

    assertThat(run(url, "-n", "20", "-q", "--json", missing.toString()))
        .isEqualTo(LoadCommand.EXIT_USAGE);
    assertThat(run(url, "-n", "20", "-q", "--html", directory.toString()))
        .isEqualTo(LoadCommand.EXIT_USAGE);
    assertThat(run(url, "-n", "20", "-q", "--hdr-log", missing.toString()))
        .isEqualTo(LoadCommand.EXIT_USAGE);

    // No summary: the run never started.
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).hasSize(3)
        .allMatch(line -> line.startsWith("cgiguard load: "));
    assertThat(err.toString()).contains("cannot write " + missing + ": the directory "
        + missing.getParent() + " does not exist").contains(directory + " is a directory");
  }

  private int run(String... args) {
    return LoadCommand.commandLine(new LoadCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }
}
