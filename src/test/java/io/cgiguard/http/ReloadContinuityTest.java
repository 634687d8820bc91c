package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reload keeps: an open circuit stays open for the same URL, and the metrics go on
 * counting from where they were, because both describe the process, which did not restart.
 */
class ReloadContinuityTest {

  private static final String FAILING = "/fail/exit-128-silent.sh";

  @TempDir Path temp;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  private static String site(String headerTimeout) {
    return """
        [server]
        port = 0
        docroot = "%s"

        [[mount]]
        url = "/fail/"
        dir = "%s"

        [timeouts]
        header = "%s"

        # One attempt per request, and two failures in a row open the circuit for long enough.
        [retry]
        attempts = 1
        [circuit]
        open-for = "10m"
        window = 2
        min-requests = 2
        """.formatted(TestGateway.DOCROOT, TestScripts.path("startup-failures"), headerTimeout);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void anOpenCircuitStaysOpenAndTheCountersGoOnAcrossAReload() throws Exception {
    Path file = temp.resolve("cgiguard.toml");
    Files.writeString(file, site("30s"));
    try (Launcher launcher = Launchers.create();
        GatewayServer server = new GatewayServer(new ConfigLoader(temp).load(file), launcher)) {
      server.reloadFrom(() -> new ConfigLoader(temp).load(file));
      server.start();
      URI base = URI.create("http://127.0.0.1:" + server.port());
      assertThat(status(base.resolve(FAILING))).isEqualTo(502);
      assertThat(status(base.resolve(FAILING))).isEqualTo(502);
      assertThat(status(base.resolve(FAILING))).as("the circuit opened").isEqualTo(503);
      double refusedBefore = circuitOpenCount(base);

      Files.writeString(file, site("20s"));
      assertThat(server.reload()).isInstanceOf(Reload.Applied.class);
      HttpResponse<String> after = JettyPageScan.send(client,
          HttpRequest.newBuilder(base.resolve(FAILING))
          .build(), HttpResponse.BodyHandlers.ofString());

      assertThat(after.statusCode()).isEqualTo(503);
      assertThat(after.headers().firstValue("X-Cgiguard-Failure")).hasValue("circuit-open");
      assertThat(refusedBefore).isEqualTo(1.0);
      assertThat(circuitOpenCount(base)).isEqualTo(2.0);
    }
  }

  private int status(URI uri) throws Exception {
    return JettyPageScan.send(client,
        HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The requests_total series of the failing script with outcome circuit-open, from /-/metrics. */
  private double circuitOpenCount(URI base) throws Exception {
    String metrics = JettyPageScan.send(client,
        HttpRequest.newBuilder(base.resolve("/-/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return metrics.lines()
        .filter(line -> line.startsWith("cgiguard_requests_total{"))
        .filter(line -> line.contains("exit-128-silent.sh") && line.contains("\"circuit-open\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
