package io.cgiguard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class DescriptorShortageTest {

  private static final long QUIET = DescriptorShortage.QUIET.toNanos();
  private static final long MILLI = 1_000_000;

  @Test
  void anEpisodeStartsOnceAndEndsOnASuccessAfterAQuietSecond() {
    DescriptorShortage shortage = new DescriptorShortage();
    long start = 5_000 * MILLI;

    assertThat(shortage.failed(start)).isTrue();
    assertThat(shortage.failed(start + 100 * MILLI)).isFalse();
    shortage.answered();
    assertThat(shortage.failed(start + 300 * MILLI)).isFalse();
    // A descriptor free for a moment ends nothing.
    assertThat(shortage.succeeded(start + 300 * MILLI + QUIET - 1)).isEmpty();

    assertThat(shortage.succeeded(start + 300 * MILLI + QUIET))
        .contains(new DescriptorShortage.Ended(300, 3, 1));
    assertThat(shortage.succeeded(start + 300 * MILLI + 2 * QUIET)).isEmpty();
  }

  @Test
  void theNextEpisodeCountsAfresh() {
    DescriptorShortage shortage = new DescriptorShortage();
    shortage.failed(0);
    shortage.answered();
    shortage.succeeded(QUIET);

    assertThat(shortage.failed(10 * QUIET)).isTrue();
    assertThat(shortage.succeeded(11 * QUIET)).contains(new DescriptorShortage.Ended(0, 1, 0));
  }

  @Test
  void onlyAFullDescriptorTableIsAShortage() {
    assertThat(DescriptorShortage.errno(new IOException("Too many open files"))).contains("EMFILE");
    assertThat(DescriptorShortage.errno(
        new FileSystemException("/srv/a.txt", null, "Too many open files in system")))
        .contains("ENFILE");
    assertThat(DescriptorShortage.errno(new IOException("Broken pipe"))).isEmpty();
  }
}
