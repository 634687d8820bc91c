package io.cgiguard.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A gateway listening for FastCGI on a Unix socket that only the front server's workers
 * ({@code nobody}) may use, and the real front server (nginx, Apache httpd) in front of it.
 * Closing stops the front server first, then the gateway.
 *
 * @param gateway the gateway, with the fixture mounts of {@link TestGateway}
 * @param server the front server
 */
record FrontedGateway<F extends FrontProcess>(TestGateway gateway, F server)
    implements AutoCloseable {

  /** Starts the front server once the gateway listens. */
  @FunctionalInterface
  interface Starter<F> {
    F start() throws Exception;
  }

  /** @return the gateway's FastCGI socket for a test's temp directory */
  static Path socket(Path temp) {
    return temp.resolve("fcgi.sock");
  }

  /**
   * @param namesScript whether the front server names the script (fcgiwrap mode,
   *     {@code script-from = "params"}) rather than the gateway's mounts
   * @param gatewayToml added to the gateway's configuration; in fcgiwrap mode, keys of
   *     {@code [fastcgi]} (its own {@code allowed-roots}) when it starts with
   *     {@code allowed-roots}
   * @param roots the allowed roots in fcgiwrap mode when {@code gatewayToml} gives none
   */
  static <F extends FrontProcess> FrontedGateway<F> start(Path temp, boolean namesScript,
      String gatewayToml, List<Path> roots, Starter<F> front) throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    boolean ownRoots = gatewayToml.startsWith("allowed-roots");
    String fastcgi = """
        [fastcgi]
        listen = "unix:%s"
        socket-owner = "nobody"
        socket-mode = "0600"
        """.formatted(socket(temp)) + (namesScript ? "script-from = \"params\"\n"
        + (ownRoots ? gatewayToml : roots.stream().map(root -> "\"" + root + "\"")
            .collect(Collectors.joining(", ", "allowed-roots = [", "]\n"))) : "");
    TestGateway gateway = TestGateway.start(fastcgi + (ownRoots ? "" : gatewayToml));
    try {
      return new FrontedGateway<>(gateway, front.start());
    } catch (Exception | Error e) {
      gateway.close();
      throw e;
    }
  }

  /** GETs {@code path} through the front server, asking for {@code accept}, within 30 s. */
  HttpResponse<String> get(HttpClient client, String path, String accept) throws Exception {
    return JettyPageScan.send(client,
        HttpRequest.newBuilder(server.uri(path)).header("Accept", accept)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * @return the response's body followed by the front server's logs, for an assertion's
   *     description: a status the front server made up itself is explained only there
   */
  String explain(HttpResponse<?> response) {
    return response.body() + "\n--- " + server.getClass().getSimpleName() + "'s log ---\n"
        + server.errorLog();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      gateway.close();
    }
  }
}
