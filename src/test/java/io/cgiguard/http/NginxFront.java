package io.cgiguard.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A real nginx in front of the gateway, as a test's child process: its configuration is generated
 * in a directory of its own (pid file, logs and temp paths included), it listens on a free
 * loopback port, the master runs as the test's user and the workers as {@code nobody}.
 */
public final class NginxFront extends FrontProcess {

  /** Debian's fastcgi_params, the file every fcgiwrap configuration includes. */
  public static final String FASTCGI_PARAMS = "/etc/nginx/fastcgi_params";

  private NginxFront(Path dir, int port, Process process) {
    super(dir, port, process, List.of("error.log", "nginx.out"));
  }

  /**
   * Starts nginx with {@code locations} inside its one {@code server} block.
   *
   * @param dir a fresh directory for nginx's files
   */
  public static NginxFront start(Path dir, String locations) throws Exception {
    return start(dir, "", locations);
  }

  /**
   * Starts nginx with {@code httpDirectives} (an {@code upstream} block, say) in its {@code http}
   * block and {@code locations} inside its one {@code server} block.
   */
  static NginxFront start(Path dir, String httpDirectives, String locations) throws Exception {
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
        %4$s
          server {
            listen 127.0.0.1:%2$d;
        %3$s
          }
        }
        """.formatted(dir, port, locations.indent(4), httpDirectives.indent(2));
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Process process = new ProcessBuilder("nginx", "-p", dir.toString(), "-e",
        dir.resolve("error.log").toString(), "-c", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    NginxFront front = new NginxFront(dir, port, process);
    front.awaitListening("nginx", Duration.ofSeconds(10));
    return front;
  }
}
