package io.cgiguard.http;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A real Apache httpd 2.4 in front of the gateway, as a test's child process in the foreground
 * ({@code -DFOREGROUND}): its configuration is generated in a directory of its own (pid file,
 * logs and runtime files included), it loads only the modules it needs (the event MPM,
 * mod_authz_core, mod_env, mod_proxy and mod_proxy_fcgi), listens on a free loopback port, and
 * runs its workers as {@code nobody}, the user the gateway's FastCGI socket is given to.
 */
final class ApacheFront extends FrontProcess {

  /** Debian's apache2 package: the server and its modules. */
  static final String BINARY = "/usr/sbin/apache2";
  static final String MODULES = "/usr/lib/apache2/modules";

  private ApacheFront(Path dir, int port, Process process) {
    super(dir, port, process, List.of("error.log", "httpd.out"));
  }

  /**
   * Starts Apache with {@code directives} after its server-wide setup.
   *
   * @param dir a fresh directory for Apache's files
   */
  static ApacheFront start(Path dir, String directives) throws Exception {
    RequiredPrograms.requireExecutable(BINARY);
    if (!Files.isRegularFile(Path.of(MODULES, "mod_proxy_fcgi.so"))) {
      fail(MODULES + "/mod_proxy_fcgi.so is missing; " + RequiredPrograms.REMEDY);
    }
    for (String sub : List.of("run", "htdocs")) {
      Files.setPosixFilePermissions(Files.createDirectories(dir.resolve(sub)),
          PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    int port = freePort();
    // Apache takes on User and Group for its workers only when it starts as root, as tests do.
    String user = "root".equals(System.getProperty("user.name"))
        ? "User nobody\nGroup nogroup\n" : "";
    String conf = """
        ServerRoot "%1$s"
        DefaultRuntimeDir "%1$s/run"
        PidFile "%1$s/run/httpd.pid"
        ServerName 127.0.0.1
        Listen 127.0.0.1:%2$d
        LoadModule mpm_event_module %3$s/mod_mpm_event.so
        LoadModule authz_core_module %3$s/mod_authz_core.so
        LoadModule env_module %3$s/mod_env.so
        LoadModule proxy_module %3$s/mod_proxy.so
        LoadModule proxy_fcgi_module %3$s/mod_proxy_fcgi.so
        %4$s
        StartServers 1
        ServerLimit 1
        ThreadLimit 16
        ThreadsPerChild 16
        MaxRequestWorkers 16
        MinSpareThreads 1
        MaxSpareThreads 16
        ErrorLog "%1$s/error.log"
        LogLevel info
        LogFormat "%%h \\"%%r\\" %%>s %%b" brief
        CustomLog "%1$s/access.log" brief
        DocumentRoot "%1$s/htdocs"
        %5$s
        """.formatted(dir, port, MODULES, user, directives);
    Path file = dir.resolve("httpd.conf");
    Files.writeString(file, conf);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Process process = new ProcessBuilder(BINARY, "-d", dir.toString(), "-f", file.toString(),
        "-DFOREGROUND")
        .redirectErrorStream(true).redirectOutput(dir.resolve("httpd.out").toFile()).start();
    ApacheFront front = new ApacheFront(dir, port, process);
    front.awaitListening("Apache", Duration.ofSeconds(15));
    return front;
  }
}
