package io.cgiguard.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Properties of {@link ResponderSession} for any bytes a peer may send: it throws nothing but
 * {@link ProtocolException}, its events do not depend on how the bytes were split, it never holds
 * more params than its limit, and it never starts a second request while one is active.
 *
 * <p>A plain {@code mvn test} runs {@link #eventsHoldForAnyBytes} over the committed seeds in
 * {@code ResponderSessionFuzzTestInputs/eventsHoldForAnyBytes/}; {@code JAZZER_FUZZ=1} fuzzes it.
 * Input layout: byte 0 picks the params limit, bytes 1-4 seed the splits, the rest is what the
 * front server sent.
 */
class ResponderSessionFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void eventsHoldForAnyBytes(byte[] data) {
    int limit = 64 + (data.length > 0 ? data[0] & 0xff : 0) * 16;
    long seed = data.length > 4 ? (data[1] << 24) | (data[2] << 16) | (data[3] << 8) | data[4] : 0;
    byte[] stream = data.length > 5 ? Arrays.copyOfRange(data, 5, data.length) : new byte[0];

    List<String> whole = Streams.events(limit, List.of(stream));
    List<String> split = Streams.events(limit, splits(stream, new Random(seed)));

    assertThat(split).isEqualTo(whole);
    checkEvents(stream, limit);
  }

  private static void checkEvents(byte[] stream, int limit) {
    ResponderSession session = new ResponderSession(limit, 8);
    ByteBuffer in = ByteBuffer.wrap(stream);
    int begun = 0;
    try {
      Optional<ResponderSession.Event> event;
      while ((event = session.next(in)).isPresent()) {
        if (event.get() instanceof ResponderSession.Event.Begin) {
          begun++;
        } else if (event.get() instanceof ResponderSession.Event.Params params) {
          long size = params.params().entrySet().stream()
              .mapToLong(e -> e.getKey().length() + e.getValue().length()).sum();
          assertThat(size).isLessThanOrEqualTo(limit);
        } else if (event.get() instanceof ResponderSession.Event.Stdin stdin) {
          assertThat(stdin.bytes().length).isBetween(1, FastCgiRecord.MAX_CONTENT_BYTES);
        }
      }
      assertThat(in.hasRemaining()).isFalse();
    } catch (ProtocolException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    // Without finished(), one request at most: any other BEGIN_REQUEST is refused.
    assertThat(begun).isLessThanOrEqualTo(1);
  }

  private static List<byte[]> splits(byte[] stream, Random random) {
    List<byte[]> chunks = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      int len = Math.min(stream.length - at, random.nextInt(random.nextBoolean() ? 3 : 40) + 1);
      chunks.add(Arrays.copyOfRange(stream, at, at + len));
      at += len;
    }
    return chunks;
  }
}
