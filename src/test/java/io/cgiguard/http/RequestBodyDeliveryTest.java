package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.Digests;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A streamed request body is gathered into large writes to the script's stdin, yet never held
 * back: what has arrived reaches the script even while the client has not sent the rest.
 */
class RequestBodyDeliveryTest {

  private static final int MIB = 1024 * 1024;

  @RegisterExtension
  static final TestGateway gateway = TestGateway.perClass("");

  /**
   * A request without a body gives its script /dev/null for stdin (no pipe to make and close),
   * whatever its method; one with a body, a pipe with the body in it.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aRequestWithoutABodyGivesItsScriptDevNullAndOneWithABodyAPipe() throws Exception {
    HttpResponse<String> get = gateway.send(gateway.request("/responses/stdin-kind.sh").GET(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.body()).isEqualTo("stdin: /dev/null\nread: \n");
    HttpResponse<String> emptyPost = gateway.send(gateway.request("/responses/stdin-kind.sh")
        .POST(HttpRequest.BodyPublishers.ofString("")), HttpResponse.BodyHandlers.ofString());
    assertThat(emptyPost.body()).isEqualTo("stdin: /dev/null\nread: \n");
    HttpResponse<String> post = gateway.send(gateway.request("/responses/stdin-kind.sh")
        .POST(HttpRequest.BodyPublishers.ofString("a body")), HttpResponse.BodyHandlers.ofString());
    assertThat(post.body()).startsWith("stdin: pipe:[").endsWith("\nread: a body\n");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theStartOfABodyReachesTheScriptBeforeTheClientSendsTheRest() throws Exception {
    // A gateway that waited for more of the body would leave the script waiting too, and this
    // read would fail after 20 s instead of seeing the script's first answer.
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(20))) {
      connection.send("POST /responses/answer-after-first-bytes.sh HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nabcde");
      connection.readUntil("first abcde\n");
      String after = connection.send("fghij").readToClose();
      assertThat(after).startsWith("HTTP/1.1 200").contains("first abcde\n").contains("rest 5\n");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aBodyOfManyGatheredWritesArrivesWholeAndInOrder() throws Exception {
    RequiredPrograms.requireCommand("perl", "perl", "-MDigest::SHA", "-e", "1");
    // Not a multiple of the connection's reads or of the gathering buffer, so the last write is
    // a partial one and every boundary falls mid-buffer.
    byte[] body = new byte[16 * MIB + 12_345];
    new Random(11).nextBytes(body);
    HttpResponse<String> response = gateway.send(gateway.request("/responses/count.pl")
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        HttpResponse.BodyHandlers.ofString());
    String digest = Digests.sha256(body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body.length + " " + digest + "\nCONTENT_LENGTH="
        + body.length + "\n");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void smallPiecesStagedAndLargePiecesWrittenAsTheyCameKeepTheirOrder() throws Exception {
    RequiredPrograms.requireCommand("perl", "perl", "-MDigest::SHA", "-e", "1");
    // Small pieces are copied into the gathering buffer; a piece of a connection read or more
    // goes to the pipe from the connection's own buffer behind them. Pauses between the pieces
    // make the gateway see them apart, so both kinds follow each other many times.
    int[] sizes = {100, 3 * RequestBodies.DIRECT_WRITE_BYTES, 1, RequestBodies.DIRECT_WRITE_BYTES,
        5_000, 2 * RequestBodies.CONNECTION_READ_BYTES + 3, 17};
    Random random = new Random(12);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int round = 0; round < 8; round++) {
      for (int size : sizes) {
        byte[] piece = new byte[size];
        random.nextBytes(piece);
        body.write(piece);
      }
    }
    byte[] bytes = body.toByteArray();
    try (RawConnection connection = RawConnection.open(gateway.port(), Duration.ofSeconds(60))) {
      connection.send("POST /responses/count.pl HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\nContent-Type: application/octet-stream\r\nContent-Length: "
          + bytes.length + "\r\n\r\n");
      int at = 0;
      for (int round = 0; round < 8; round++) {
        for (int size : sizes) {
          connection.send(bytes, at, size);
          at += size;
          Thread.sleep(5);
        }
      }
      String response = connection.readToClose();
      String digest = Digests.sha256(bytes);
      assertThat(response).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n" + bytes.length + " "
          + digest + "\nCONTENT_LENGTH=" + bytes.length + "\n");
    }
  }
}
