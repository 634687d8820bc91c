package io.cgiguard.http;

import static org.assertj.core.api.Assertions.fail;

import io.cgiguard.Polling;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx in front of the gateway, as a test's child process: its configuration is generated
 * in a directory of its own (pid file, logs and temp paths included), it listens on a free
 * loopback port, the master runs as the test's user and the workers as {@code nobody}.
 */
final class NginxFront implements AutoCloseable {

  /** Debian's fastcgi_params, the file every fcgiwrap configuration includes. */
  static final String FASTCGI_PARAMS = "/etc/nginx/fastcgi_params";

  private final Path dir;
  private final int port;
  private final Process process;

  private NginxFront(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts nginx with {@code locations} inside its one {@code server} block.
   *
   * @param dir a fresh directory for nginx's files
   */
  static NginxFront start(Path dir, String locations) throws Exception {
    RequiredPrograms.requireCommand("nginx", "nginx", "-v");
    Files.createDirectories(dir.resolve("tmp"));
    int port = freePort();
    String conf = """
        worker_processes 1;
        daemon off;
        user nobody nogroup;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log info;
        events { worker_connections 512; }
        http {
          access_log %1$s/access.log;
          client_body_temp_path %1$s/tmp/body;
          fastcgi_temp_path %1$s/tmp/fastcgi;
          proxy_temp_path %1$s/tmp/proxy;
          uwsgi_temp_path %1$s/tmp/uwsgi;
          scgi_temp_path %1$s/tmp/scgi;
          client_max_body_size 0;
          server {
            listen 127.0.0.1:%2$d;
        %3$s
          }
        }
        """.formatted(dir, port, locations.indent(4));
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Process process = new ProcessBuilder("nginx", "-p", dir.toString(), "-e",
        dir.resolve("error.log").toString(), "-c", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    NginxFront front = new NginxFront(dir, port, process);
    if (!Polling.eventually(Duration.ofSeconds(10), front::accepting)) {
      front.close();
      fail("nginx did not start listening within 10 s:\n" + front.errorLog());
    }
    return front;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  int port() {
    return port;
  }

  String errorLog() {
    try {
      Path log = dir.resolve("error.log");
      Path out = dir.resolve("nginx.out");
      return (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "")
          + (Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "");
    } catch (IOException e) {
      return "(the log cannot be read: " + e + ")";
    }
  }

  private boolean accepting() {
    if (!process.isAlive()) {
      return false;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  @Override
  public void close() {
    // SIGTERM is nginx's fast shutdown: the master stops its workers and exits.
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
