package io.cgiguard.security;

import io.cgiguard.TestScripts;
import io.cgiguard.http.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real test gateway ({@code test-scripts/security} is mounted at {@code /security/}, beside the
 * other behaviour directories) whose scripts write marker files and recorded argv into a fresh
 * temporary directory.
 */
final class SecurityGateway implements AutoCloseable {

  static final Path FIXTURES = TestScripts.path("security");
  static final Duration WAIT = Duration.ofSeconds(15);

  final Path markers;
  final TestGateway gateway;

  private SecurityGateway(Path markers, TestGateway gateway) {
    this.markers = markers;
    this.gateway = gateway;
  }

  /** Starts one with {@code mountKeys} in every fixture mount and {@code toml} appended. */
  static SecurityGateway start(String mountKeys, String toml) throws Exception {
    return start("", mountKeys, toml);
  }

  /** As {@link #start(String, String)}, with {@code serverKeys} in {@code [server]}. */
  static SecurityGateway start(String serverKeys, String mountKeys, String toml)
      throws Exception {
    Path markers = Files.createTempDirectory("cgiguard-markers");
    TestGateway gateway = TestGateway.start(serverKeys, mountKeys, """
        [environment]
        set = { MARKER_DIR = "%s" }
        %s
        """.formatted(markers, toml));
    return new SecurityGateway(markers, gateway);
  }

  String raw(String request) throws IOException {
    return gateway.raw(request, WAIT);
  }

  /** A GET of {@code target} written byte for byte, with Connection: close. */
  String get(String target) throws IOException {
    return raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }

  static int status(String answer) {
    return Integer.parseInt(answer.substring(9, 12));
  }

  /** Removes the markers earlier requests left, so that the next check sees only its own. */
  void forgetMarkers() throws IOException {
    try (var files = Files.list(markers)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.delete(file);
      }
    }
  }

  boolean marked(String name) {
    return Files.exists(markers.resolve(name));
  }

  @Override
  public void close() throws IOException {
    gateway.close();
    forgetMarkers();
    Files.delete(markers);
  }
}
