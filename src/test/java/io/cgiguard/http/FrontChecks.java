package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/** What the tests behind each front server (nginx, Apache httpd) check the same way. */
final class FrontChecks {

  private FrontChecks() {}

  /**
   * The gateway's own answer to {@code before-headers/exit-before-any-output.cgi}, relayed by the
   * front server: 502, the failure named, and the diagnostic page in the format each asked for.
   */
  static void assertDiagnosisOfExitBeforeHeaders(HttpResponse<String> html,
      HttpResponse<String> json) {
    assertThat(html.statusCode()).as(html.body()).isEqualTo(502);
    assertThat(html.headers().firstValue("X-Cgiguard-Failure")).hasValue("exited-before-headers");
    assertThat(html.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/html"));
    assertThat(html.body()).contains("exited-before-headers", "exit-before-any-output.cgi");
    assertThat(json.statusCode()).isEqualTo(502);
    assertThat(json.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    assertThat(json.body()).contains("\"exited-before-headers\"");
  }

  /**
   * The gateway's 504 for {@code before-headers/hang-before-headers.sh} past its header
   * timeout, relayed by the front server, and the script's process gone with it.
   *
   * @param pids the directory the script wrote its pid to
   */
  static void assertHungScriptAnswered504(HttpResponse<String> response, Path pids)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
    assertThat(response.headers().firstValue("X-Cgiguard-Failure")).hasValue("header-timeout");
    long pid = ProcessTable.awaitPid(pids.resolve("script.pid"), Duration.ofSeconds(1));
    ProcessTable.await(Duration.ofSeconds(5), () -> ProcessTable.gone(pid),
        "hung script " + pid + " gone after its header timeout");
  }

  /** @return a directory every user may write, for a script to leave its pid in */
  static Path pidDirectory(Path temp) throws Exception {
    Path pids = Files.createDirectories(temp.resolve("pids"));
    Files.setPosixFilePermissions(pids, PosixFilePermissions.fromString("rwxrwxrwx"));
    return pids;
  }

  /**
   * An allowed root holding {@code allowed.sh} and {@code escape.sh}, a symlink to
   * {@code marker.sh} outside it; each script leaves a file behind when it runs.
   *
   * @param inside the allowed root
   * @param marker the script outside it
   * @param ranInside left by {@code allowed.sh}
   * @param ranOutside left by {@code marker.sh}
   */
  record Escapes(Path inside, Path marker, Path ranInside, Path ranOutside) {

    static Escapes in(Path temp) throws Exception {
      Path inside = Files.createDirectories(temp.resolve("inside"));
      Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path outside = Files.createDirectories(temp.resolve("outside"));
      // The scripts run as the gateway's user, which must be able to leave its marks.
      Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxrwxrwx"));
      Path ranOutside = outside.resolve("ran-outside");
      Path ranInside = outside.resolve("ran-inside");
      Path marker = markingScript(outside.resolve("marker.sh"), ranOutside);
      markingScript(inside.resolve("allowed.sh"), ranInside);
      Files.createSymbolicLink(inside.resolve("escape.sh"), marker);
      return new Escapes(inside, marker, ranInside, ranOutside);
    }

    /**
     * The names outside the root (through the symlink, directly, through {@code ..}) were
     * refused and never ran; {@code allowed.sh} ran.
     */
    void assertOnlyTheAllowedRan(HttpResponse<String> viaLink, HttpResponse<String> direct,
        HttpResponse<String> dotdot, HttpResponse<String> allowed) {
      assertThat(viaLink.statusCode()).as(viaLink.body()).isEqualTo(403);
      assertThat(direct.statusCode()).as(direct.body()).isEqualTo(403);
      assertThat(dotdot.statusCode()).as(dotdot.body()).isEqualTo(403);
      assertThat(viaLink.body() + direct.body() + dotdot.body())
          .contains("outside the allowed roots");
      assertThat(ranOutside).doesNotExist();
      // The same script inside the root runs: the marker would have shown a run.
      assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
      assertThat(ranInside).exists();
    }
  }

  /** A CGI script that touches {@code marker} when it runs. */
  private static Path markingScript(Path file, Path marker) throws Exception {
    Files.writeString(file, "#!/bin/sh\ntouch " + marker + "\nprintf 'Content-Type: text/plain"
        + "\\r\\n\\r\\nran\\n'\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
