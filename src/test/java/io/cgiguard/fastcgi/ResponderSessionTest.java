package io.cgiguard.fastcgi;

import static io.cgiguard.fastcgi.Streams.begin;
import static io.cgiguard.fastcgi.Streams.concat;
import static io.cgiguard.fastcgi.Streams.events;
import static io.cgiguard.fastcgi.Streams.params;
import static io.cgiguard.fastcgi.Streams.record;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Responder role one request at a time, record by record (FastCGI specification 1.0). */
class ResponderSessionTest {

  private static final Map<String, String> GET = Map.of("REQUEST_METHOD", "GET",
      "REQUEST_URI", "/cgi-bin/hello.sh");

  @Test
  void requestBecomesBeginParamsStdinAndItsEnd() {
    byte[] stream = Streams.request(1, GET, "body".getBytes(StandardCharsets.US_ASCII));

    assertThat(events(4096, List.of(stream))).containsExactly(
        "Begin[requestId=1, keepConnection=false]",
        "Params[params=" + GET + "]",
        "Stdin [98, 111, 100, 121]",
        "StdinEnd[]");
  }

  @Test
  void splittingTheBytesAnywhereChangesNothing() {
    byte[] stream = Streams.request(7, GET, new byte[70_000]);
    List<String> whole = events(4096, List.of(stream));
    for (int cut = 1; cut < stream.length; cut += 997) {
      byte[] first = java.util.Arrays.copyOfRange(stream, 0, cut);
      byte[] rest = java.util.Arrays.copyOfRange(stream, cut, stream.length);
      assertThat(events(4096, List.of(first, rest))).isEqualTo(whole);
    }
  }

  @Test
  void secondRequestOnTheConnectionIsRefusedAsMultiplexing() {
    byte[] stream = concat(begin(1, 1, true), begin(2, 1, true));

    assertThat(events(4096, List.of(stream))).containsExactly(
        "Begin[requestId=1, keepConnection=true]",
        "Reply " + bytes(RecordWriter.endRequest(2, 0, RecordWriter.CANT_MPX_CONN)));
  }

  @Test
  void roleOtherThanResponderIsRefused() {
    assertThat(events(4096, List.of(begin(3, 2, false)))).containsExactly(
        "Reply " + bytes(RecordWriter.endRequest(3, 0, RecordWriter.UNKNOWN_ROLE)));
  }

  @Test
  void getValuesIsAnsweredWithWhatThisResponderIs() {
    Map<String, String> asked = new LinkedHashMap<>();
    asked.put("FCGI_MPXS_CONNS", "");
    asked.put("FCGI_MAX_CONNS", "");
    asked.put("SOMETHING_ELSE", "");
    byte[] query = record(FastCgiRecord.GET_VALUES, 0, NameValuePairs.encode(asked));
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("FCGI_MPXS_CONNS", "0");
    answer.put("FCGI_MAX_CONNS", "8");

    assertThat(events(4096, List.of(query))).containsExactly("Reply " + java.util.Arrays.toString(
        record(FastCgiRecord.GET_VALUES_RESULT, 0, NameValuePairs.encode(answer))));
  }

  @Test
  void unknownManagementRecordIsAnsweredUnknownType() {
    byte[] unknown = new byte[8];
    unknown[0] = 42;

    assertThat(events(4096, List.of(record(42, 0, new byte[0])))).containsExactly(
        "Reply " + java.util.Arrays.toString(record(FastCgiRecord.UNKNOWN_TYPE, 0, unknown)));
  }

  @Test
  void paramsLargerThanTheLimitAreReportedNotKept() {
    Map<String, String> big = Map.of("HTTP_COOKIE", "x".repeat(5000));
    byte[] stream = concat(begin(1, 1, false), params(1, big));

    assertThat(events(4096, List.of(stream))).containsExactly(
        "Begin[requestId=1, keepConnection=false]", "ParamsTooLarge[limitBytes=4096]");
  }

  @Test
  void abortOfTheActiveRequestIsAnEventAndOfAnotherIsIgnored() {
    byte[] stream = concat(begin(1, 1, false), record(FastCgiRecord.ABORT_REQUEST, 9, new byte[0]),
        record(FastCgiRecord.ABORT_REQUEST, 1, new byte[0]));

    assertThat(events(4096, List.of(stream))).containsExactly(
        "Begin[requestId=1, keepConnection=false]", "Abort[]");
  }

  @Test
  void brokenFramingEndsTheConnection() {
    byte[] wrongVersion = {2, 1, 0, 1, 0, 0, 0, 0};
    byte[] stdinFirst = concat(begin(1, 1, false), record(FastCgiRecord.STDIN, 1, new byte[1]));
    byte[] cutPair = concat(begin(1, 1, false), record(FastCgiRecord.PARAMS, 1,
        new byte[] {10, 10, 'A'}), record(FastCgiRecord.PARAMS, 1, new byte[0]));

    assertThat(events(4096, List.of(wrongVersion))).last().asString()
        .startsWith("protocol error: FastCGI version 2");
    assertThat(events(4096, List.of(stdinFirst))).last().asString()
        .isEqualTo("protocol error: STDIN before the end of PARAMS");
    assertThat(events(4096, List.of(cutPair))).last().asString()
        .isEqualTo("protocol error: a name-value pair is longer than its stream");
  }

  @Test
  void nameValuePairsRoundTripShortAndLongLengths() throws Exception {
    Map<String, String> pairs = new LinkedHashMap<>();
    pairs.put("A", "");
    pairs.put("LONG", "v".repeat(300));
    pairs.put("N".repeat(200), "x");

    assertThat(NameValuePairs.decode(NameValuePairs.encode(pairs))).isEqualTo(pairs);
  }

  @Test
  void streamRecordsCarryAtMost65535BytesPaddedToEight() {
    List<ByteBuffer> records = RecordWriter.stream(FastCgiRecord.STDOUT, 1,
        ByteBuffer.allocate(70_001));
    int total = records.stream().mapToInt(ByteBuffer::remaining).sum();

    assertThat(total % 8).isZero();
    // Header, 65535 bytes, 1 padding byte; header, 4466 bytes, 6 padding bytes.
    assertThat(records.stream().map(ByteBuffer::remaining).toList())
        .containsExactly(8, 65_535, 1, 8, 4_466, 6);
  }

  private static String bytes(ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return java.util.Arrays.toString(copy);
  }
}
