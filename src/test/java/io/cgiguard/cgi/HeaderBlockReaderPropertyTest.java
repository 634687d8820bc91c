package io.cgiguard.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The properties of {@link HeaderBlockReaderFuzzTest}, checked without the fuzzer over stdouts
 * built at random from the pieces header blocks are made of, so that every category of decision
 * is reached in a plain {@code mvn test}.
 */
class HeaderBlockReaderPropertyTest {

  private static final String[] PIECES = {
      "Content-Type: text/html", "Status: 200 OK", "Status: 404", "Status: 99", "Status: x",
      "Location: /local", "Location: http://e.org/", "Set-Cookie: a=1", "X-A:", "X-B:  v  ",
      "<html>", "{", "no colon", " folded", "\t", ":", "Bad Name: v", "HTTP/1.1 200 OK",
      "HTTP/1.0 302", "\r\n", "\n", "\r", "\0", "\u00e9", "\u007f", "\u0001", "body"};

  private static byte[] randomStdout(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pieces = random.nextInt(12);
    for (int i = 0; i < pieces; i++) {
      String piece = PIECES[random.nextInt(PIECES.length)];
      out.writeBytes(piece.getBytes(StandardCharsets.ISO_8859_1));
      if (random.nextInt(3) > 0) {
        out.writeBytes(random.nextBoolean() ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
      }
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void decisionsDoNotDependOnChunkSplits(boolean nph) {
    Random random = new Random(nph ? 20261126L : 3875L);
    Map<Kind, Integer> seen = new EnumMap<>(Kind.class);
    for (int i = 0; i < 10_000; i++) {
      byte[] stdout = randomStdout(random);
      int limit = random.nextBoolean() ? 8192 : 8 + random.nextInt(120);
      HeaderBlockReaderFuzzTest.checkProperties(stdout, limit, nph, new Random(random.nextLong()));
      seen.merge(Kind.of(HeaderBlockReaderFuzzTest.readWhole(stdout, limit, nph)), 1,
          Integer::sum);
    }
    // The generator must reach every decision, or the property says little.
    assertThat(seen.keySet()).containsExactlyInAnyOrder(Kind.values());
  }

  @Test
  void randomBytesNeverBreakTheReader() {
    Random random = new Random(6);
    for (int i = 0; i < 3_000; i++) {
      byte[] stdout = new byte[random.nextInt(300)];
      random.nextBytes(stdout);
      HeaderBlockReaderFuzzTest.checkProperties(stdout, 1 + random.nextInt(400),
          random.nextBoolean(), new Random(i));
    }
    assertThat(HeaderBlockReaderFuzzTest.readWhole(new byte[] {1, 2, 3}, 10, false))
        .isInstanceOf(HeaderBlock.Malformed.class);
  }

  private enum Kind {
    COMPLETE, INCOMPLETE, MALFORMED, TOO_LARGE;

    static Kind of(HeaderBlock block) {
      if (block instanceof HeaderBlock.Complete) {
        return COMPLETE;
      }
      if (block instanceof HeaderBlock.Incomplete) {
        return INCOMPLETE;
      }
      return block instanceof HeaderBlock.Malformed ? MALFORMED : TOO_LARGE;
    }
  }
}
