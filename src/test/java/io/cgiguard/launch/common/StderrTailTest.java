package io.cgiguard.launch.common;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StderrTailTest {

  /** Writes {@code text} in pieces of {@code piece} bytes and compares with a plain oracle. */
  @ParameterizedTest(name = "capacity {0}, pieces of {1}")
  @CsvSource({"5, 1", "5, 3", "5, 5", "5, 7", "5, 100", "1, 2", "64, 9", "0, 4"})
  void keepsTheLastBytesWhateverTheWriteSizes(int capacity, int piece) {
    String text = "the quick brown fox jumps over the lazy dog";
    StderrTail tail = new StderrTail(capacity);
    byte[] bytes = text.getBytes(UTF_8);
    for (int i = 0; i < bytes.length; i += piece) {
      tail.append(bytes, i, Math.min(piece, bytes.length - i));
    }
    String expected = text.substring(Math.max(0, text.length() - capacity));
    assertThat(new String(tail.snapshot(), UTF_8)).isEqualTo(expected);
  }
}
