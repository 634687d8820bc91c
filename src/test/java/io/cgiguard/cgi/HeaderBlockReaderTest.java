package io.cgiguard.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.cgi.ResponseHead.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderBlockReaderTest {

  private static final int LIMIT = 8192;

  /** Feeds all of {@code text} at once, then end of stream if still undecided. */
  static HeaderBlock read(String text, boolean nph) {
    return read(text.getBytes(StandardCharsets.ISO_8859_1), LIMIT, nph);
  }

  static HeaderBlock read(byte[] bytes, int limit, boolean nph) {
    HeaderBlockReader reader = new HeaderBlockReader(limit, nph);
    HeaderBlock decided = reader.offer(bytes, 0, bytes.length);
    return decided != null ? decided : reader.endOfStream();
  }

  static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static ResponseHead complete(String text) {
    HeaderBlock block = read(text, false);
    assertThat(block).isInstanceOf(HeaderBlock.Complete.class);
    return ((HeaderBlock.Complete) block).head();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      document with LF           | Content-Type: text/html\\n\\n                              | 200 | DOCUMENT
      document with CRLF         | Content-Type: text/html\\r\\n\\r\\n                        | 200 | DOCUMENT
      mixed line ends            | Content-Type: text/html\\r\\nX-A: 1\\n\\r\\n               | 200 | DOCUMENT
      document without type      | X-Powered-By: perl\\n\\n                                   | 200 | DOCUMENT
      status only                | Status: 204\\n\\n                                          | 204 | DOCUMENT
      status with reason         | Status: 404 Not Found\\nContent-Type: text/plain\\n\\n     | 404 | DOCUMENT
      status 599                 | Status: 599\\nContent-Type: text/plain\\n\\n               | 599 | DOCUMENT
      status 200                 | Status: 200 OK\\n\\n                                       | 200 | DOCUMENT
      lower-case status name     | status: 500 Oops\\n\\n                                     | 500 | DOCUMENT
      client redirect            | Location: http://example.com/\\n\\n                        | 302 | CLIENT_REDIRECT
      client redirect other scheme | Location: ftp+x.y-z://h/\\n\\n                          | 302 | CLIENT_REDIRECT
      client redirect with status | Status: 301\\nLocation: https://e.org/a\\n\\n             | 301 | CLIENT_REDIRECT
      client redirect with doc   | Location: http://e.org/\\nContent-Type: text/html\\n\\n    | 302 | CLIENT_REDIRECT_WITH_DOCUMENT
      local redirect             | Location: /other?q=1\\n\\n                                 | 200 | LOCAL_REDIRECT
      local redirect extra field | Location: /other\\nX-Trace: 1\\n\\n                        | 200 | LOCAL_REDIRECT
      local with status is client | Status: 303\\nLocation: /other\\n\\n                      | 303 | CLIENT_REDIRECT
      local with type is client  | Location: /other\\nContent-Type: text/html\\n\\n           | 302 | CLIENT_REDIRECT_WITH_DOCUMENT
      relative location is client | Location: page.html\\n\\n                                 | 302 | CLIENT_REDIRECT
      value with obs-text        | X-Name: caf\\u00e9\\n\\n                                   | 200 | DOCUMENT
      empty value                | X-Empty:\\n\\n                                             | 200 | DOCUMENT
      """)
  void completeBlocksHaveTheirResponseType(String category, String input, int status,
      Type type) {
    ResponseHead head = complete(unescape(input));

    assertThat(head.status()).as(category).isEqualTo(status);
    assertThat(head.type()).as(category).isEqualTo(type);
    assertThat(head.fields()).noneMatch(f -> f.is("Status"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      blank line first           | \\n                                          | 1 | no header fields before the blank line
      CRLF blank line first      | \\r\\nContent-Type: text/html\\r\\n\\r\\n    | 1 | no header fields before the blank line
      html first                 | <html><body>hi</body></html>\\n\\n          | 1 | the script printed its body before any header (first line: <html><body>hi</body></html>)
      doctype first              | <!DOCTYPE html>\\n                          | 1 | the script printed its body before any header (first line: <!DOCTYPE html>)
      json first                 | {"a": 1}\\n\\n                              | 1 | the script printed its body before any header (first line: {"a"
      text first                 | Hello world\\n\\n                           | 1 | the script printed its body before any header (first line: Hello world)
      status line in CGI mode    | HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n | 1 | the script wrote an HTTP status line, which only an NPH script may do
      no colon later             | X-A: 1\\nHello\\n\\n                        | 2 | line without a colon: Hello
      obs-fold                   | X-A: 1\\n  continued\\n\\n                  | 2 | obsolete line folding
      obs-fold with tab          | X-A: 1\\n\\tcontinued\\n\\n                 | 2 | obsolete line folding
      leading space first line   | ' Content-Type: text/html\\n\\n'           | 1 | obsolete line folding
      bare CR in value           | X-A: 1\\r2\\n\\n                            | 1 | bare CR inside a header line
      bare CR as line end        | X-A: 1\\rX-B: 2\\n\\n                       | 1 | bare CR inside a header line
      NUL in value               | X-A: a\\u0000b\\n\\n                        | 1 | NUL byte in the header block
      NUL in name                | X\\u0000A: b\\n\\n                          | 1 | NUL byte in the header block
      space before colon         | Content-Type : text/html\\n\\n              | 1 | field name "Content-Type " is not an RFC 9110 token
      separator in name          | X(A): 1\\n\\n                               | 1 | field name "X(A)" is not an RFC 9110 token
      non-ASCII name             | X-\\u00e9: 1\\n\\n                          | 1 | field name "X-\\xE9" is not an RFC 9110 token
      empty name                 | X-A: 1\\n: value\\n\\n                      | 2 | empty field name
      control char in value      | X-A: a\\u0001b\\n\\n                        | 1 | control character 0x01 in the value of X-A
      DEL in value               | X-A: a\\u007fb\\n\\n                        | 1 | control character 0x7F in the value of X-A
      status not a number        | Status: OK\\n\\n                            | 1 | Status must be a three-digit code
      status two digits          | Status: 20\\n\\n                            | 1 | Status must be a three-digit code
      status four digits         | Status: 2000\\n\\n                          | 1 | Status must be a three-digit code
      status no space            | Status: 200OK\\n\\n                         | 1 | Status must be a three-digit code
      status empty               | Status:\\n\\n                               | 1 | Status must be a three-digit code
      status 1xx                 | Status: 100 Continue\\n\\n                  | 1 | Status code 100 is outside 200..599
      status 101                 | Status: 101 Switching\\n\\n                 | 1 | Status code 101 is outside 200..599
      status 600                 | Status: 600\\n\\n                           | 1 | Status code 600 is outside 200..599
      status 000                 | Status: 000\\n\\n                           | 1 | Status code 0 is outside 200..599
      status twice               | Status: 200\\nStatus: 404\\n\\n             | 2 | Status given twice
      location twice             | Location: /a\\nLocation: /b\\n\\n           | 2 | Location given twice
      two lengths                | Content-Length: 3\\nContent-Length: 5\\n\\n | 2 | Content-Length given twice with different values
      empty location             | Location:   \\n\\n                          | 1 | empty Location
      own chunked framing        | Transfer-Encoding: chunked\\n\\n          | 1 | Transfer-Encoding from the script: the gateway frames the body itself, so the script's own framing would reach the client as part of the body
      """)
  void malformedBlocksSayWhatAndWhere(String category, String input, int line, String reason) {
    HeaderBlock block = read(unescape(input), false);

    assertThat(block).as(category).isInstanceOf(HeaderBlock.Malformed.class);
    HeaderBlock.Malformed malformed = (HeaderBlock.Malformed) block;
    assertThat(malformed.reason()).as(category).startsWith(reason);
    assertThat(malformed.lineNumber()).as(category).isEqualTo(line);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      nothing at all             | ''
      one field no blank line    | Content-Type: text/html\\n
      CRLF field no blank line   | Content-Type: text/html\\r\\n
      cut inside a name          | Content-Ty
      cut inside a value         | Content-Type: text/h
      cut after one word         | Hello
      cut between CR and LF      | Content-Type: text/html\\r\\n\\r
      cut after the first CR     | Content-Type: text/html\\r
      """)
  void incompleteWhenEofBeforeBlankLine(String category, String input) {
    HeaderBlock block = read(unescape(input), false);

    assertThat(block).as(category).isInstanceOf(HeaderBlock.Incomplete.class);
    assertThat(ascii(block.received())).isEqualTo(unescape(input));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unfinished html first line | <html>                       | 1 | the script printed its body before any header
      unfinished text first line | Hello world                  | 1 | the script printed its body before any header
      unfinished NUL             | X-A: 1\\nX-B: a\\u0000        | 2 | NUL byte
      unfinished bare CR         | X-A: 1\\nX-B: a\\rb           | 2 | bare CR
      unfinished obs-fold        | X-A: 1\\n continued           | 2 | obsolete line folding
      """)
  void malformedAtEofWhenTheUnfinishedLineAlreadyShowsIt(String category, String input,
      int line, String reason) {
    HeaderBlock block = read(unescape(input), false);

    assertThat(block).as(category).isInstanceOf(HeaderBlock.Malformed.class);
    assertThat(((HeaderBlock.Malformed) block).reason()).startsWith(reason);
    assertThat(((HeaderBlock.Malformed) block).lineNumber()).isEqualTo(line);
  }

  @Test
  void completeKeepsTheBytesAfterTheBlankLineAsBodyStart() {
    HeaderBlock block = read("Content-Type: text/plain\r\n\r\nhello\nworld: 1\n\n", false);

    HeaderBlock.Complete complete = (HeaderBlock.Complete) block;
    assertThat(ascii(complete.bodyStart())).isEqualTo("hello\nworld: 1\n\n");
    assertThat(ascii(complete.received())).isEqualTo("Content-Type: text/plain\r\n\r\n");
  }

  @Test
  void repeatedNamesAreKeptInOrder() {
    ResponseHead head = complete(
        "Set-Cookie: a=1\nContent-Type: text/html\nset-cookie: b=2\nStatus: 201 Made\n\n");

    assertThat(head.fields()).containsExactly(
        new HeaderField("Set-Cookie", "a=1"),
        new HeaderField("Content-Type", "text/html"),
        new HeaderField("set-cookie", "b=2"));
    assertThat(head.reason()).isEqualTo("Made");
  }

  @Test
  void valuesAreStrippedOfSurroundingWhiteSpace() {
    ResponseHead head = complete("X-A:  \t spaced out \t \nX-B:tight\n\n");

    assertThat(head.fields()).containsExactly(
        new HeaderField("X-A", "spaced out"), new HeaderField("X-B", "tight"));
  }

  @Test
  void tooLargeWhenTheLimitPassesWithoutABlankLine() {
    byte[] bytes = ("X-A: " + "a".repeat(100) + "\n").getBytes(StandardCharsets.US_ASCII);

    HeaderBlock block = read(bytes, 64, false);

    assertThat(block).isInstanceOf(HeaderBlock.TooLarge.class);
    assertThat(((HeaderBlock.TooLarge) block).limitBytes()).isEqualTo(64);
    assertThat(block.received()).hasSize(64);
  }

  @Test
  void aBlockEndingExactlyAtTheLimitIsComplete() {
    String text = "X-A: 1234\n\n";
    byte[] bytes = (text + "body beyond the limit").getBytes(StandardCharsets.US_ASCII);

    HeaderBlock block = read(bytes, text.length(), false);

    assertThat(block).isInstanceOf(HeaderBlock.Complete.class);
    assertThat(ascii(((HeaderBlock.Complete) block).bodyStart())).isEqualTo("body beyond the limit");
  }

  @Test
  void incompleteWhenEofAtExactlyTheLimit() {
    byte[] bytes = "X-A: 1234\n".getBytes(StandardCharsets.US_ASCII);

    assertThat(read(bytes, bytes.length, false)).isInstanceOf(HeaderBlock.Incomplete.class);
  }

  @Test
  void theDecisionIsStickyAcrossLaterOffers() {
    HeaderBlockReader reader = new HeaderBlockReader(LIMIT, false);
    byte[] first = "<html>\n".getBytes(StandardCharsets.US_ASCII);
    HeaderBlock decided = reader.offer(first, 0, first.length);

    byte[] more = "Content-Type: text/html\n\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(reader.offer(more, 0, more.length)).isSameAs(decided);
    assertThat(reader.endOfStream()).isSameAs(decided);
    assertThat(reader.decision()).isSameAs(decided);
  }

  @Test
  void offerReadsOnlyTheGivenRange() {
    byte[] bytes = "garbageX-A: 1\n\nbodygarbage".getBytes(StandardCharsets.US_ASCII);
    HeaderBlockReader reader = new HeaderBlockReader(LIMIT, false);

    HeaderBlock block = reader.offer(bytes, 7, bytes.length - 14);

    assertThat(ascii(((HeaderBlock.Complete) block).bodyStart())).isEqualTo("body");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      HTTP/1.1 with fields  | HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n | 200 | OK
      HTTP/1.0 no reason    | HTTP/1.0 404\\n\\n                                       | 404 | ''
      long reason           | HTTP/1.1 503 Service Unavailable Now\\nRetry-After: 5\\n\\n | 503 | Service Unavailable Now
      """)
  void nphBlocksTakeTheirStatusFromTheStatusLine(String category, String input, int status,
      String reason) {
    HeaderBlock block = read(unescape(input), true);

    assertThat(block).as(category).isInstanceOf(HeaderBlock.Complete.class);
    ResponseHead head = ((HeaderBlock.Complete) block).head();
    assertThat(head.type()).isEqualTo(Type.NON_PARSED);
    assertThat(head.status()).isEqualTo(status);
    assertThat(head.reason()).isEqualTo(reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no status line        | Content-Type: text/html\\n\\n        | an NPH script must start with an HTTP/1.x status line
      HTTP/2                | HTTP/2 200 OK\\n\\n                  | an NPH script must start with an HTTP/1.x status line
      1xx                   | HTTP/1.1 100 Continue\\n\\n          | the NPH status line code 100 is outside 200..599
      own chunked framing   | HTTP/1.1 200 OK\\nTransfer-Encoding: chunked\\n\\n | Transfer-Encoding from the script
      bad code              | HTTP/1.1 2x0 OK\\n\\n                | the NPH status line must be a three-digit code
      blank first           | \\n                                  | no status line before the blank line
      Status field too      | HTTP/1.1 200 OK\\nStatus: 404\\n\\n  | Status field in an NPH response
      """)
  void malformedNphBlocks(String category, String input, String reason) {
    HeaderBlock block = read(unescape(input), true);

    assertThat(block).as(category).isInstanceOf(HeaderBlock.Malformed.class);
    assertThat(((HeaderBlock.Malformed) block).reason()).startsWith(reason);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void rejectsANonPositiveLimit(int limit) {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new HeaderBlockReader(limit, false));
  }

  @Test
  void reasonsShowControlBytesEscapedAndLongLinesCut() {
    HeaderBlock block = read("<" + "x".repeat(100) + "\u0007\n", false);

    String reason = ((HeaderBlock.Malformed) block).reason();
    assertThat(reason).endsWith("x…)").doesNotContain("\u0007");
    assertThat(List.of(reason.split("\n"))).hasSize(1);
  }

  /** Turns the {@code \n}, {@code \r}, {@code \t} and {@code \u0000} escapes of a table cell into characters. */
  static String unescape(String cell) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (c != '\\' || i + 1 == cell.length()) {
        out.append(c);
        continue;
      }
      char next = cell.charAt(++i);
      switch (next) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          out.append((char) Integer.parseInt(cell.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append('\\').append(next);
      }
    }
    return out.toString();
  }
}
