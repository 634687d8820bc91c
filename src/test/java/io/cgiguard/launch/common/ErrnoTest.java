package io.cgiguard.launch.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The JDK names a full descriptor table only in strerror's text; these are the exceptions it
 * throws for one, as a failed open, a failed accept and a failure wrapped on its way up.
 */
class ErrnoTest {

  @Test
  void aFullDescriptorTableIsToldApartFromOtherFailures() {
    assertThat(Errno.descriptorShortage(
        new FileSystemException("/srv/www/a.bin", null, "Too many open files")))
        .isEqualTo(OptionalInt.of(Errno.EMFILE));
    assertThat(Errno.descriptorShortage(new IOException("Too many open files")))
        .isEqualTo(OptionalInt.of(Errno.EMFILE));
    assertThat(Errno.descriptorShortage(new UncheckedIOException(
        new FileSystemException("/srv/www/a.bin", null, "Too many open files in system"))))
        .isEqualTo(OptionalInt.of(Errno.ENFILE));

    assertThat(Errno.descriptorShortage(
        new FileSystemException("/srv/www/a.bin", null, "Permission denied"))).isEmpty();
    assertThat(Errno.descriptorShortage(new IllegalStateException("Too many open files")))
        .as("only an I/O failure names the descriptor table").isEmpty();
    assertThat(Errno.descriptorShortage(new IOException((String) null))).isEmpty();
  }
}
