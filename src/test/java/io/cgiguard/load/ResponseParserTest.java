package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Framing, fed whole and one byte at a time, since a socket may split a response anywhere. */
class ResponseParserTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "content-length | HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello | 200 | hello | true",
      "chunked with extension and trailer | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n"
          + "\\r\\n3;x=1\\r\\nhel\\r\\n2\\r\\nlo\\r\\n0\\r\\nX-T: 1\\r\\n\\r\\n | 200 | hello | true",
      "interim 100 skipped | HTTP/1.1 100 Continue\\r\\n\\r\\nHTTP/1.1 201 Created\\r\\n"
          + "Content-Length: 2\\r\\n\\r\\nok | 201 | ok | true",
      "204 has no body | HTTP/1.1 204 No Content\\r\\n\\r\\n | 204 | '' | true",
      "bare LF line ends | HTTP/1.1 200 OK\\nContent-Length: 2\\n\\nok | 200 | ok | true",
      "connection close | HTTP/1.1 200 OK\\r\\nConnection: close\\r\\nContent-Length: 2\\r\\n"
          + "\\r\\nok | 200 | ok | false",
      "HTTP/1.0 closes | HTTP/1.0 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok | 200 | ok | false"})
  void framesEachResponse(String name, String wire, int status, String body, boolean keepAlive)
      throws Exception {
    for (boolean byteAtATime : new boolean[] {false, true}) {
      ResponseParser parser = new ResponseParser(1024);
      parser.begin(false);

      assertThat(feed(parser, unescape(wire), byteAtATime)).as(name).isTrue();
      assertThat(parser.status).isEqualTo(status);
      assertThat(new String(parser.retainedBody(), StandardCharsets.US_ASCII)).isEqualTo(body);
      assertThat(parser.keepAlive()).isEqualTo(keepAlive);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aBodyWithoutLengthEndsWithTheConnection(boolean byteAtATime) throws Exception {
    ResponseParser parser = new ResponseParser(1024);
    parser.begin(false);

    assertThat(feed(parser, "HTTP/1.1 200 OK\r\n\r\nuntil the end", byteAtATime)).isFalse();
    assertThat(parser.endOfInput()).isTrue();
    assertThat(new String(parser.retainedBody(), StandardCharsets.US_ASCII))
        .isEqualTo("until the end");
    assertThat(parser.keepAlive()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "HTTP/1.1 200 OK\r\nX-"})
  void anEarlyEndIsNotComplete(String wire) throws Exception {
    ResponseParser parser = new ResponseParser(1024);
    parser.begin(false);

    assertThat(feed(parser, wire, false)).isFalse();
    assertThat(parser.endOfInput()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SSH-2.0-OpenSSH\r\n", "HTTP/1.1 abc OK\r\n",
      "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"})
  void rejectsWhatIsNotHttp(String wire) {
    ResponseParser parser = new ResponseParser(1024);
    parser.begin(false);

    assertThatThrownBy(() -> feed(parser, wire, false))
        .isInstanceOf(MalformedResponseException.class);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void keepsOnlyTheStartOfALargeBody(boolean byteAtATime) throws Exception {
    ResponseParser parser = new ResponseParser(4);
    parser.begin(false);

    assertThat(feed(parser, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789",
        byteAtATime)).isTrue();
    assertThat(new String(parser.retainedBody(), StandardCharsets.US_ASCII)).isEqualTo("0123");
  }

  private static boolean feed(ResponseParser parser, String wire, boolean byteAtATime)
      throws MalformedResponseException {
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    if (!byteAtATime) {
      return parser.feed(ByteBuffer.wrap(bytes));
    }
    boolean done = false;
    for (byte b : bytes) {
      done = parser.feed(ByteBuffer.wrap(new byte[] {b}));
    }
    return done;
  }

  private static String unescape(String text) {
    return text.replace("\\r", "\r").replace("\\n", "\n");
  }
}
