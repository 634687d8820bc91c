package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Digests;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Request bodies reach real scripts intact: a chunked upload and a CGI.pm multipart form. */
class RequestBodyUploadTest {

  private static final int MIB = 1024 * 1024;

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("");

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void chunkedUploadOf50MibReachesTheScriptWithoutContentLength() throws Exception {
    RequiredPrograms.requireCommand("perl", "perl", "-MDigest::SHA", "-e", "1");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(42);
    long total = 50L * MIB;
    String answer;
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(60))) {
      connection.send("POST /responses/count.pl HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\nContent-Type: application/octet-stream\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n");
      byte[] chunk = new byte[64 * 1024 + 7]; // an odd size, so chunks do not align with pages
      long sent = 0;
      while (sent < total) {
        int size = (int) Math.min(chunk.length, total - sent);
        random.nextBytes(chunk);
        sha.update(chunk, 0, size);
        connection.send(Integer.toHexString(size) + "\r\n").send(chunk, 0, size).send("\r\n");
        sent += size;
      }
      answer = connection.send("0\r\n\r\n").readToClose();
    }
    String digest = HexFormat.of().formatHex(sha.digest());
    assertThat(answer).startsWith("HTTP/1.1 200")
        .contains(total + " " + digest + "\n")
        .contains("CONTENT_LENGTH=(unset)\n");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void cgiPmFormReadsTextFieldAndUploadedFile() throws Exception {
    RequiredPrograms.requireCommand("perl with CGI.pm (libcgi-pm-perl)", "perl", "-MCGI", "-e", "1");
    byte[] file = new byte[300_000];
    new Random(7).nextBytes(file);
    HttpResponse<String> response = gateway.send(gateway.request("/responses/form-upload.pl")
        .header("Content-Type", MultipartForms.CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(
            MultipartForms.titleAndDocument("Quarterly report", "report.bin", file))),
        HttpResponse.BodyHandlers.ofString());
    String digest = Digests.sha256(file);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("title=Quarterly report\nfile=report.bin\nsize="
        + file.length + "\nsha256=" + digest + "\n");
  }
}
