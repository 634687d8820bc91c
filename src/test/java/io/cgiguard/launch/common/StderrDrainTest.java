package io.cgiguard.launch.common;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StderrDrainTest {

  private static List<String> linesOf(byte[] stderr, int tailBytes, byte[][] tail) {
    List<String> lines = new ArrayList<>();
    StderrDrain drain = new StderrDrain(new ByteArrayInputStream(stderr), lines::add, tailBytes);
    drain.run();
    tail[0] = drain.tail();
    return lines;
  }

  @Test
  void splitsLinesAndDropsCarriageReturns() {
    byte[][] tail = new byte[1][];
    List<String> lines = linesOf("one\r\ntwo\n\nlast without newline".getBytes(UTF_8), 64, tail);
    assertThat(lines).containsExactly("one", "two", "", "last without newline");
  }

  @Test
  void cutsALineAtTheCap() {
    byte[][] tail = new byte[1][];
    String huge = "x".repeat(StderrDrain.MAX_LINE_BYTES * 3);
    List<String> lines = linesOf((huge + "\nnext\n").getBytes(UTF_8), 16, tail);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).hasSize(StderrDrain.MAX_LINE_BYTES);
    assertThat(lines.get(1)).isEqualTo("next");
  }

  @Test
  void keepsOnlyTheLastTailBytes() {
    byte[][] tail = new byte[1][];
    StringBuilder stderr = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      stderr.append("line ").append(i).append('\n');
    }
    linesOf(stderr.toString().getBytes(UTF_8), 20, tail);
    assertThat(new String(tail[0], UTF_8)).isEqualTo("7\nline 998\nline 999\n");
  }

  @Test
  void emptyTailWhenNothingWritten() {
    byte[][] tail = new byte[1][];
    assertThat(linesOf(new byte[0], 32, tail)).isEmpty();
    assertThat(tail[0]).isEmpty();
  }

  @Test
  void aFailingSinkDoesNotStopTheDrain() {
    List<String> seen = new ArrayList<>();
    StderrDrain drain =
        new StderrDrain(
            new ByteArrayInputStream("bad\ngood\n".getBytes(UTF_8)),
            line -> {
              if (line.equals("bad")) {
                throw new IllegalStateException("sink broke");
              }
              seen.add(line);
            },
            8);
    drain.run();
    assertThat(seen).containsExactly("good");
  }
}
