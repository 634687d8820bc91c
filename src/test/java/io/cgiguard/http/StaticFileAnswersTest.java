package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Polling;
import io.cgiguard.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the answers for static files carry besides the file, and how a URL reaches one, through
 * the real gateway.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaticFileAnswersTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TEXT = "a plain static file\n";

  @TempDir
  static Path work;

  static Path log;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path docroot = directory(work.resolve("docroot"));
    Path app = directory(work.resolve("app"));
    write(docroot.resolve("static.txt"), TEXT);
    write(docroot.resolve("page.html"), "<p>page</p>\n");
    write(docroot.resolve("README"), "<script>alert(1)</script>\n");
    write(docroot.resolve("file.unknownext"), "<html><script>alert(2)</script>\n");
    write(docroot.resolve("a;b.txt"), "semicolon in the name\n");
    write(app.resolve("index.html"), "index of the app\n");
    log = work.resolve("access.log");
    gateway = TestGateway.start(new ConfigLoader(work).parse("test.toml", Optional.empty(), """
        [server]
        port = 0
        docroot = "%s"
        access-log = "%s"
        [[mount]]
        url = "/app/"
        dir = "%s"
        execution = "mapped"
        """.formatted(docroot, log, app)));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aNotModifiedAnswerCarriesNoCacheControlTheFileDidNot() throws Exception {
    HttpResponse<String> file = gateway.get("/static.txt");
    String etag = file.headers().firstValue("ETag").orElseThrow();
    String modified = file.headers().firstValue("Last-Modified").orElseThrow();

    HttpResponse<String> byTag = gateway.get("/static.txt", "If-None-Match", etag);
    HttpResponse<String> byDate = gateway.get("/static.txt", "If-Modified-Since", modified);

    assertThat(file.headers().firstValue("Cache-Control")).isEmpty();
    for (HttpResponse<String> notModified : List.of(byTag, byDate)) {
      String asked = notModified.request().headers().map().keySet().toString();
      assertThat(notModified.statusCode()).as(asked).isEqualTo(304);
      assertThat(notModified.headers().allValues("Cache-Control")).as(asked).isEmpty();
      assertThat(notModified.headers().firstValue("ETag")).as(asked).hasValue(etag);
      assertThat(notModified.body()).as(asked).isEmpty();
    }
  }

  @Test
  void anUnsatisfiableRangeSaysTheFileLength() throws Exception {
    HttpResponse<String> response = gateway.get("/static.txt", "Range", "bytes=1000-2000");

    assertThat(response.statusCode()).isEqualTo(416);
    assertThat(response.headers().firstValue("Content-Range"))
        .hasValue("bytes */" + TEXT.length());
    assertThat(response.body()).doesNotContain(TEXT);
  }

  @Test
  void ifNoneMatchAnyOnAFileThatExistsIsNotModified() throws Exception {
    HttpResponse<String> response = gateway.get("/static.txt", "If-None-Match", "*");

    assertThat(response.statusCode()).isEqualTo(304);
    assertThat(response.headers().firstValue("ETag")).isPresent();
    assertThat(response.headers().allValues("Cache-Control")).isEmpty();
    assertThat(response.body()).isEmpty();
  }

  @Test
  void aRangeIsAnsweredWithAPartOnlyInBytesAndUnderAStrongValidator() throws Exception {
    String etag = gateway.get("/static.txt").headers().firstValue("ETag").orElseThrow();
    String weak = etag.startsWith("W/") ? etag : "W/" + etag;

    HttpResponse<String> part = gateway.get("/static.txt", "Range", "bytes=0-4");
    HttpResponse<String> items = gateway.get("/static.txt", "Range", "items=0-1");
    HttpResponse<String> underWeak = gateway.get("/static.txt", "Range", "bytes=0-4",
        "If-Range", weak);

    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(TEXT.substring(0, 5));
    assertThat(items.statusCode()).as("an unknown range unit is ignored").isEqualTo(200);
    assertThat(items.body()).isEqualTo(TEXT);
    assertThat(underWeak.statusCode()).as("If-Range compares strongly").isEqualTo(200);
    assertThat(underWeak.body()).isEqualTo(TEXT);
  }

  @Test
  void anAnswerJettyMakesCarriesTheRequestIdTheAccessLogNames() throws Exception {
    HttpResponse<String> failed = gateway.get("/static.txt?precondition", "If-Match",
        "\"no-such-tag\"");
    HttpResponse<String> range = gateway.get("/static.txt?range", "Range", "bytes=1000-2000");

    assertThat(failed.statusCode()).isEqualTo(412);
    assertThat(range.statusCode()).isEqualTo(416);
    for (HttpResponse<String> response : List.of(failed, range)) {
      String id = response.headers().firstValue(GatewayPages.REQUEST_ID).orElseThrow();
      String query = response.uri().getQuery();
      assertThat(loggedId("/static.txt?" + query)).as(query).isEqualTo(id);
      assertThat(response.body()).as(query).contains(id);
    }
  }

  @Test
  void aFileOfUnknownKindIsSentAsOctetsTheBrowserMayNotSniff() throws Exception {
    for (String path : List.of("/README", "/file.unknownext")) {
      HttpResponse<String> response = gateway.get(path);

      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).as(path)
          .hasValue("application/octet-stream");
      assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path)
          .hasValue("nosniff");
    }
    HttpResponse<String> page = gateway.get("/page.html");
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @Test
  void aNameWithASemicolonIsServed() throws Exception {
    for (String path : List.of("/a;b.txt", "/a%3bb.txt", "/a%3Bb.txt")) {
      String answer = gateway.raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\n\r\n", WAIT);

      assertThat(answer).as(path).startsWith("HTTP/1.1 200 ")
          .endsWith("\r\n\r\nsemicolon in the name\n");
    }
  }

  @Test
  void aMountUrlWithoutItsSlashIsRedirectedToIt() throws Exception {
    HttpResponse<String> bare = gateway.get("/app");
    HttpResponse<String> query = gateway.get("/app?x=1&y=%20");

    assertThat(bare.statusCode()).isEqualTo(301);
    assertThat(bare.headers().firstValue("Location")).hasValue("/app/");
    assertThat(bare.body()).doesNotContain("index of the app");
    assertThat(query.statusCode()).isEqualTo(301);
    assertThat(query.headers().firstValue("Location")).hasValue("/app/?x=1&y=%20");
    assertThat(gateway.get("/app/").body()).isEqualTo("index of the app\n");
  }

  /** @return the id the access log wrote for the request whose target is {@code target} */
  private static String loggedId(String target) throws InterruptedException {
    Pattern line = Pattern.compile("\"GET " + Pattern.quote(target) + " HTTP/1.1\" .* id=(\\S+) ");
    assertThat(Polling.eventually(WAIT, () -> lines().stream()
        .anyMatch(l -> line.matcher(l).find()))).as("a line for %s in %s", target, lines())
        .isTrue();
    Matcher found = lines().stream().map(line::matcher).filter(Matcher::find).findFirst()
        .orElseThrow();
    return found.group(1);
  }

  private static List<String> lines() {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path directory(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }
}
