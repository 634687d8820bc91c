package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real CGI applications that nginx users run through fcgiwrap, Debian's gitweb (Perl) and
 * cgit (C), behind a real nginx with the location blocks of docs/fastcgi.md, the gateway in
 * fcgiwrap mode. Each is pointed at its own configuration file by a param (GITWEB_CONFIG,
 * CGIT_CONFIG) and shows a repository made here: its list, its log with the commit, a file.
 *
 * <p>The nginx server has no server_name, so cgit's {@code fastcgi_param HTTP_HOST $server_name}
 * sends an empty HTTP_HOST, which the gateway once refused with a 400.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GitwebAndCgitBehindNginxTest {

  private static final String COMMIT = "Teach the demo to say hello";

  @TempDir
  Path temp;

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private Path repos;

  @BeforeEach
  void repository() throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    repos = Files.createDirectories(temp.resolve("repos"));
    GitClient git = new GitClient(Files.createDirectories(temp.resolve("git")));
    Path bare = repos.resolve("demo.git");
    git.git(temp, "init", "--bare", "-b", "main", bare.toString());
    Files.writeString(bare.resolve("description"), "The demo repository\n");
    Path work = temp.resolve("git/work");
    git.git(temp, "init", "-b", "main", work.toString());
    Files.writeString(work.resolve("README"), "hello from the demo\n");
    git.git(work, "add", "README");
    git.git(work, "commit", "-m", COMMIT);
    git.git(work, "push", bare.toString(), "main");
  }

  @Test
  void gitwebListsTheRepositoryAndShowsItsLog() throws Exception {
    RequiredPrograms.requireExecutable("/usr/share/gitweb/gitweb.cgi");
    Path config = Files.writeString(temp.resolve("gitweb.conf"),
        "$projectroot = \"" + repos + "\";\n");
    String location = """
        location /gitweb.cgi {
            include %s;
            gzip off;
            fastcgi_param SCRIPT_FILENAME /usr/share/gitweb/gitweb.cgi;
            fastcgi_param GITWEB_CONFIG %s;
            fastcgi_pass unix:%s;
        }
        location / {
            root /usr/share/gitweb;
            index gitweb.cgi;
        }
        """.formatted(NginxFront.FASTCGI_PARAMS, config, FrontedGateway.socket(temp));
    try (var front = FrontedGateway.start(temp, true, "", java.util.List.of(
        Path.of("/usr/share/gitweb")), () -> NginxFront.start(temp.resolve("nginx"), location))) {
      HttpResponse<String> projects = get(front, "/gitweb.cgi");
      HttpResponse<String> log = get(front, "/gitweb.cgi?p=demo.git;a=log");
      HttpResponse<String> file = get(front, "/gitweb.cgi?p=demo.git;a=blob_plain;f=README");

      assertThat(projects.statusCode()).as(front.explain(projects)).isEqualTo(200);
      assertThat(projects.body()).contains("demo.git").contains("The demo repository");
      assertThat(log.statusCode()).as(front.explain(log)).isEqualTo(200);
      assertThat(log.body()).contains(COMMIT);
      assertThat(file.statusCode()).as(front.explain(file)).isEqualTo(200);
      assertThat(file.body()).isEqualTo("hello from the demo\n");
    }
  }

  @Test
  void cgitListsTheRepositoryAndShowsItsLogWithAnEmptyHostParam() throws Exception {
    RequiredPrograms.requireExecutable("/usr/lib/cgit/cgit.cgi");
    Path config = Files.writeString(temp.resolve("cgitrc"), """
        cache-size=0
        scan-path=%s
        """.formatted(repos));
    String location = """
        location / {
            try_files $uri @cgit;
        }
        location @cgit {
            include %s;
            fastcgi_param SCRIPT_FILENAME /usr/lib/cgit/cgit.cgi;
            fastcgi_param CGIT_CONFIG %s;
            fastcgi_param PATH_INFO $uri;
            fastcgi_param QUERY_STRING $args;
            fastcgi_param HTTP_HOST $server_name;
            fastcgi_pass unix:%s;
        }
        """.formatted(NginxFront.FASTCGI_PARAMS, config, FrontedGateway.socket(temp));
    try (var front = FrontedGateway.start(temp, true, "", java.util.List.of(
        Path.of("/usr/lib/cgit")), () -> NginxFront.start(temp.resolve("nginx"), location))) {
      HttpResponse<String> index = get(front, "/");
      HttpResponse<String> log = get(front, "/demo.git/log/");
      HttpResponse<String> file = get(front, "/demo.git/plain/README");

      assertThat(index.statusCode()).as(front.explain(index)).isEqualTo(200);
      assertThat(index.body()).contains("demo.git").contains("The demo repository");
      assertThat(log.statusCode()).as(front.explain(log)).isEqualTo(200);
      assertThat(log.body()).contains(COMMIT);
      assertThat(file.statusCode()).as(front.explain(file)).isEqualTo(200);
      assertThat(file.body()).isEqualTo("hello from the demo\n");
    }
  }

  private HttpResponse<String> get(FrontedGateway<NginxFront> front, String path)
      throws Exception {
    return JettyPageScan.send(client, HttpRequest.newBuilder(front.server().uri(path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
