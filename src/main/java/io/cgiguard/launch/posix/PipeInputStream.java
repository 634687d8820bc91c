package io.cgiguard.launch.posix;

import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The read end of a script's pipe. A bare {@link FileInputStream} will not do: on Java 17 its
 * {@code readAllBytes} asks the descriptor for its position, which a pipe does not have
 * ("Illegal seek"). Reads go straight to the descriptor, unbuffered, so a caller parsing headers
 * consumes exactly what it asks for; bulk copies use 64 KiB reads, the pipe's default capacity.
 */
final class PipeInputStream extends FilterInputStream {
  private static final int TRANSFER_BYTES = 64 * 1024;

  PipeInputStream(FileInputStream pipe) {
    super(pipe);
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    byte[] buffer = new byte[TRANSFER_BYTES];
    long transferred = 0;
    for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
      out.write(buffer, 0, n);
      transferred += n;
    }
    return transferred;
  }
}
