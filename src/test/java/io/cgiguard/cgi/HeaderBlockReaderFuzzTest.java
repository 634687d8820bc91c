package io.cgiguard.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Random;

/**
 * Properties of {@link HeaderBlockReader} for any stdout: it never throws, its decision does not
 * depend on how the bytes were split into chunks, and a complete block only carries fields a
 * response may safely repeat.
 *
 * <p>A plain {@code mvn test} runs {@link #decisionsHoldForAnyStdout} over the committed seeds in
 * {@code HeaderBlockReaderFuzzTestInputs/decisionsHoldForAnyStdout/}; {@code JAZZER_FUZZ=1}
 * fuzzes it. Input layout: byte 0 picks NPH mode (bit 0) and the limit (bits 1-7), bytes 1-4
 * seed the chunk splits, the rest is the script's stdout.
 */
class HeaderBlockReaderFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decisionsHoldForAnyStdout(byte[] data) {
    int flags = data.length > 0 ? data[0] & 0xff : 0;
    long seed = data.length > 4 ? (data[1] << 24) | (data[2] << 16) | (data[3] << 8) | data[4] : 0;
    byte[] stdout = data.length > 5 ? Arrays.copyOfRange(data, 5, data.length) : new byte[0];
    checkProperties(stdout, 16 + (flags >> 1) * 64, (flags & 1) == 1, new Random(seed));
  }

  /** Asserts every property for one stdout; shared with the plain property test. */
  static void checkProperties(byte[] stdout, int limit, boolean nph, Random splits) {
    HeaderBlock whole = readWhole(stdout, limit, nph);
    HeaderBlock split = readSplit(stdout, limit, nph, splits);

    assertThat(describe(split)).isEqualTo(describe(whole));
    assertThat(whole.received().length).isLessThanOrEqualTo(limit);
    if (whole instanceof HeaderBlock.Complete complete) {
      ResponseHead head = complete.head();
      assertThat(head.status()).isBetween(200, 599);
      for (HeaderField field : head.fields()) {
        assertThat(field.name()).isNotEmpty().doesNotContain("\r", "\n", "\0", ":");
        assertThat(field.value()).doesNotContain("\r", "\n", "\0");
      }
      byte[] rejoined = concat(complete.received(), complete.bodyStart());
      assertThat(rejoined).isEqualTo(stdout);
    }
  }

  static HeaderBlock readWhole(byte[] stdout, int limit, boolean nph) {
    HeaderBlockReader reader = new HeaderBlockReader(limit, nph);
    HeaderBlock decided = reader.offer(stdout, 0, stdout.length);
    return decided != null ? decided : reader.endOfStream();
  }

  static HeaderBlock readSplit(byte[] stdout, int limit, boolean nph, Random random) {
    HeaderBlockReader reader = new HeaderBlockReader(limit, nph);
    int at = 0;
    while (at < stdout.length) {
      int len = Math.min(stdout.length - at, random.nextInt(random.nextBoolean() ? 4 : 64) + 1);
      // Offer from the middle of a bigger array, as a pipe reader with a reused buffer would.
      byte[] chunk = new byte[len + 6];
      System.arraycopy(stdout, at, chunk, 3, len);
      HeaderBlock decided = reader.offer(chunk, 3, len);
      at += len;
      if (decided != null) {
        if (decided instanceof HeaderBlock.Complete complete) {
          // What came after this chunk is body too; fold it in to compare with a whole read.
          byte[] rest = Arrays.copyOfRange(stdout, at, stdout.length);
          return new HeaderBlock.Complete(complete.head(), complete.received(),
              concat(complete.bodyStart(), rest));
        }
        return decided;
      }
    }
    return reader.endOfStream();
  }

  /** A comparable summary of a decision, arrays included. */
  static String describe(HeaderBlock block) {
    String bytes = Arrays.toString(block.received());
    if (block instanceof HeaderBlock.Complete c) {
      return "Complete " + c.head() + " " + bytes + " body " + Arrays.toString(c.bodyStart());
    }
    if (block instanceof HeaderBlock.Malformed m) {
      return "Malformed " + m.reason() + " at " + m.lineNumber() + " " + bytes;
    }
    if (block instanceof HeaderBlock.TooLarge t) {
      return "TooLarge " + t.limitBytes() + " " + bytes;
    }
    return "Incomplete " + bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
