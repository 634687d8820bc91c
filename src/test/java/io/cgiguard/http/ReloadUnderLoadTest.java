package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Polling;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import io.cgiguard.load.LoadPlans;
import io.cgiguard.load.LoadResult;
import io.cgiguard.load.LoadRun;
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
 * {@code cgiguard load}'s engine against a real gateway while the configuration is reloaded again
 * and again through {@code POST /-/reload}, a broken file among them: not one request fails, and
 * the mount the last reload added answers.
 */
class ReloadUnderLoadTest {

  @TempDir Path temp;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void reloadsUnderLoadLoseNoRequest() throws Exception {
    Path file = temp.resolve("cgiguard.toml");
    Files.writeString(file, ReloadSite.toml("v1", ""));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Launcher launcher = Launchers.create();
        GatewayServer server = new GatewayServer(new ConfigLoader(temp).load(file), launcher)) {
      server.reloadFrom(() -> new ConfigLoader(temp).load(file));
      server.start();
      URI base = URI.create("http://127.0.0.1:" + server.port());
      LoadRun load = LoadPlans.during(base.resolve("/app/version.sh"), 4, Duration.ofSeconds(6),
          Pattern.compile("^version [12]\n$"));
      CompletableFuture<LoadResult> running = LoadPlans.inBackground(load);

      List<Integer> statuses = new ArrayList<>();
      List<Boolean> trafficBetween = new ArrayList<>();
      for (int i = 0; i < 8 && !running.isDone(); i++) {
        String next = i == 5 ? "[server]\nport = 0\nmax-threads = \"many\"\n"
            : ReloadSite.toml(i % 2 == 0 ? "v2" : "v1", i < 5 ? "" : """
                [[mount]]
                url = "/new/"
                dir = "%s"
                """.formatted(ReloadSite.FIXTURES.resolve("v2")));
        Files.writeString(file, next);
        statuses.add(JettyPageScan.send(client, HttpRequest.newBuilder(base.resolve("/-/reload"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode());
        // The next reload waits until the load has completed requests since this one, so every
        // reload lands on traffic and none is merged with the next.
        long atReload = load.requests();
        trafficBetween.add(Polling.eventually(Duration.ofSeconds(10),
            () -> load.requests() > atReload || running.isDone()) && load.requests() > atReload);
      }
      LoadResult result = running.get(60, TimeUnit.SECONDS);

      assertThat(statuses).as("reload answers").hasSizeGreaterThanOrEqualTo(7)
          .containsOnly(200, 422).contains(422);
      assertThat(trafficBetween).as("requests completed after each reload").containsOnly(true);
      assertThat(result.requests()).isPositive();
      assertThat(result.failures()).as("failures by kind").isEmpty();
      HttpResponse<String> added = JettyPageScan.send(client, HttpRequest.newBuilder(
          base.resolve("/new/version.sh")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(added.statusCode()).isEqualTo(200);
      assertThat(added.body()).isEqualTo("version 2\n");
    }
  }
}
