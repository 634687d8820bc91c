package io.cgiguard.http;

import io.cgiguard.TestScripts;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real gateway on an ephemeral loopback port, serving each behaviour directory of
 * {@code test-scripts} at {@code /<directory>/} ({@link TestScripts}) and
 * {@code test-scripts/docroot} as static files, with real HTTP clients.
 *
 * <p>A test makes one with {@code start(...)} and closes it; a class whose tests share one
 * declares {@code @RegisterExtension static final TestGateway gateway = TestGateway.perClass(..)},
 * which starts it before the class's first test and closes it after the last.
 */
public final class TestGateway implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  public static final Path PROJECT = Path.of(System.getProperty("cgiguard.project.dir", "."))
      .toAbsolutePath().normalize();
  public static final Path DOCROOT = TestScripts.path("docroot");

  private final Callable<GatewayConfig> config;
  private Launcher launcher;
  private GatewayServer server;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  private TestGateway(Callable<GatewayConfig> config) {
    this.config = config;
  }

  private TestGateway started() throws Exception {
    launcher = Launchers.create();
    server = new GatewayServer(config.call(), launcher);
    server.start();
    return this;
  }

  /** As {@link #start(String)}, started before the class's first test, closed after its last. */
  public static TestGateway perClass(String toml) {
    return new TestGateway(() -> parse("", "", toml));
  }

  /** As {@link #perClass(String)}, with {@code serverKeys} added to its {@code [server]} table. */
  public static TestGateway perClass(String serverKeys, String toml) {
    return new TestGateway(() -> parse(serverKeys, "", toml));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    started();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** A gateway with the default configuration plus {@code toml} (which may add tables). */
  public static TestGateway start(String toml) throws Exception {
    return start("", toml);
  }

  /**
   * A gateway with {@code serverKeys} added to its {@code [server]} table (TOML forbids a second
   * one), such as {@code local-clients = ["192.0.2.0/24"]} to make the loopback client remote.
   */
  public static TestGateway start(String serverKeys, String toml) throws Exception {
    return start(serverKeys, "", toml);
  }

  /**
   * As {@link #start(String, String)}, with {@code mountKeys} added to every fixture mount: keys
   * such as {@code pass-authorization = true}, then any {@code [[mount.handler]]} tables.
   */
  public static TestGateway start(String serverKeys, String mountKeys, String toml)
      throws Exception {
    return new TestGateway(() -> parse(serverKeys, mountKeys, toml)).started();
  }

  private static GatewayConfig parse(String serverKeys, String mountKeys, String toml)
      throws Exception {
    StringBuilder text = new StringBuilder("""
        [server]
        port = 0
        docroot = "%s"
        %s
        """.formatted(DOCROOT, serverKeys));
    for (String behaviour : TestScripts.BEHAVIOURS) {
      text.append("""
          [[mount]]
          url = "/%s/"
          dir = "%s"
          %s
          """.formatted(behaviour, TestScripts.path(behaviour), mountKeys));
    }
    return new ConfigLoader(PROJECT).parse("test.toml", Optional.empty(), text + toml);
  }

  public static TestGateway start() throws Exception {
    return start("");
  }

  /** The configuration {@link #start(String)} would run with, for a test that reloads. */
  public static GatewayConfig config(String toml) throws Exception {
    return parse("", "", toml);
  }

  /** A gateway with exactly {@code config}, which should listen on port 0. */
  public static TestGateway start(GatewayConfig config) throws Exception {
    return new TestGateway(() -> config).started();
  }

  /** Copies a fixture tree, keeping each file's mode (a script's execute bit matters). */
  public static Path copyTree(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (java.nio.file.Files.isDirectory(p)) {
          java.nio.file.Files.createDirectories(target);
        } else {
          java.nio.file.Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  public GatewayServer server() {
    return server;
  }

  /** @return the value of an unlabelled gauge or counter the gateway exports, or -1 without it */
  public long metric(String name) {
    Double value = io.cgiguard.observe.Exposition.parse(server().metrics().scrape()).value(name);
    return value == null ? -1 : value.longValue();
  }

  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  public int port() {
    return server.port();
  }

  public HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery))
        .timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return scanned(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  public HttpResponse<byte[]> getBytes(String pathAndQuery) throws Exception {
    return scanned(client.send(HttpRequest.newBuilder(uri(pathAndQuery))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray()));
  }

  /** Sends a GET without waiting for its answer (for requests that are meant to hang). */
  public java.util.concurrent.CompletableFuture<HttpResponse<String>> sendAsync(
      String pathAndQuery) {
    return client.sendAsync(HttpRequest.newBuilder(uri(pathAndQuery))
        .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(TestGateway::scanned);
  }

  public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
      throws Exception {
    return scanned(client.send(request.build(), body));
  }

  public HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60));
  }

  /**
   * Sends {@code request} as raw bytes on a new connection (for what a client library would
   * normalise), and returns everything the server sent until it closed or {@code timeout} passed.
   */
  public String raw(String request, Duration timeout) throws IOException {
    try (RawConnection connection = RawConnection.open(server.port(), timeout)) {
      return connection.send(request).readWhatComes();
    }
  }

  private static <T> HttpResponse<T> scanned(HttpResponse<T> response) {
    return JettyPageScan.scanned("HttpClient", response);
  }

  @Override
  public void close() {
    // Either may be missing when a per-class gateway failed to start.
    if (server != null) {
      server.close();
    }
    if (launcher != null) {
      launcher.close();
    }
  }
}
