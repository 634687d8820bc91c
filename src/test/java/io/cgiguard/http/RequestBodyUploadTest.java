package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Request bodies reach real scripts intact: a chunked upload and a CGI.pm multipart form. */
class RequestBodyUploadTest {

  private static final int MIB = 1024 * 1024;

  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void chunkedUploadOf50MibReachesTheScriptWithoutContentLength() throws Exception {
    RequiredPrograms.requireCommand("perl", "perl", "-MDigest::SHA", "-e", "1");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(42);
    long total = 50L * MIB;
    String answer;
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /responses/count.pl HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
          + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024 + 7]; // an odd size, so chunks do not align with pages
      long sent = 0;
      while (sent < total) {
        int size = (int) Math.min(chunk.length, total - sent);
        random.nextBytes(chunk);
        sha.update(chunk, 0, size);
        out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(chunk, 0, size);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        sent += size;
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      answer = readUntilClosed(socket.getInputStream());
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
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("title=Quarterly report\nfile=report.bin\nsize="
        + file.length + "\nsha256=" + digest + "\n");
  }

  private static String readUntilClosed(InputStream in) throws java.io.IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    in.transferTo(received);
    return received.toString(StandardCharsets.ISO_8859_1);
  }
}
