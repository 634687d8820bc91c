package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.http.GatewayServer;
import io.cgiguard.http.JettyPageScan;
import io.cgiguard.http.TestGateway;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * An IIS configuration imported with {@code import-iis} and served by the real gateway, for the
 * end-to-end tests of the importer: the configuration it wrote, listening on port 0 on loopback
 * instead of IIS's 80, and the gateways started on it, which share one launcher and stop with it.
 */
final class ImportedSite implements AutoCloseable {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private final String importErrors;
  private final GatewayConfig config;
  private final Launcher launcher;
  private final List<GatewayServer> servers = new ArrayList<>();

  private ImportedSite(String importErrors, GatewayConfig config) {
    this.importErrors = importErrors;
    this.config = config;
    this.launcher = Launchers.create();
  }

  /**
   * Runs {@code import-iis} on {@code arguments} (the IIS files and {@code --path-map} options)
   * with {@code --out toml}, which must succeed, and loads what it wrote.
   */
  static ImportedSite importing(Path toml, String... arguments) throws Exception {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ImportIisCommand());
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(Stream.concat(Stream.of(arguments),
        Stream.of("--out", toml.toString())).toArray(String[]::new));
    assertThat(status).as(err.toString()).isZero();

    GatewayConfig config = new ConfigLoader(TestGateway.PROJECT).load(toml);
    GatewayConfig.Server s = config.server();
    // Port 0 on loopback instead of IIS's 80.
    config = Configs.withServer(config, new GatewayConfig.Server("127.0.0.1", 0, s.docroot(),
        s.indexFiles(), s.runAs(), s.idleTimeout(), s.headerReadTimeout(), s.maxThreads(),
        s.maxConnections(), s.localClients(), s.localHostNames(), s.drain()));
    return new ImportedSite(err.toString(), config);
  }

  /** @return what {@code import-iis} wrote to its standard error: its warnings */
  String importErrors() {
    return importErrors;
  }

  /** @return the imported configuration, on port 0 on loopback */
  GatewayConfig config() {
    return config;
  }

  /** Starts a gateway on {@code config} (this site's, or one made from it). */
  GatewayServer serve(GatewayConfig config) throws Exception {
    GatewayServer server = new GatewayServer(config, launcher);
    server.start();
    servers.add(server);
    return server;
  }

  /** Stops the gateways in the order they started, then the launcher they share. */
  @Override
  public void close() {
    servers.forEach(GatewayServer::close);
    launcher.close();
  }

  /** @return a request for {@code path} on {@code server} over loopback, asking for text */
  static HttpRequest.Builder request(GatewayServer server, String path) {
    URI uri = URI.create("http://127.0.0.1:" + server.port() + path);
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Accept", "text/plain");
  }

  /** Sends {@code request}; an error answer with Jetty's own page fails the test. */
  static HttpResponse<String> send(HttpRequest request) throws Exception {
    return JettyPageScan.send(CLIENT, request, HttpResponse.BodyHandlers.ofString());
  }
}
