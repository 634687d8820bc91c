package io.cgiguard.launch.posix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * The read end of a script's pipe, over a {@link FileChannel} rather than a
 * {@link java.io.FileInputStream}, for two reasons. Closing a channel wakes a thread blocked
 * reading it, so {@code close()} releases the gateway's reader even when a process beyond the
 * group kill (one that called setsid) still holds the pipe; closing a file stream would leave
 * that thread blocked. And on Java 17 {@code FileInputStream.readAllBytes} asks a pipe for its
 * position and fails with "Illegal seek".
 *
 * <p>Reads go straight to the descriptor, unbuffered, so a caller parsing headers consumes
 * exactly what it asks for; bulk copies use 64 KiB reads. As with any interruptible channel, a
 * reader that is interrupted closes the stream.
 *
 * <p>The channel's descriptor is also asked with poll(2) whether a read would return at once
 * ({@link #ready()}), which a channel over a pipe cannot be. Where the channel had to open the
 * pipe again ({@link PipeChannels}), the original descriptor stays open beside it for that.
 */
final class PipeInputStream extends InputStream {
  private static final int TRANSFER_BYTES = 64 * 1024;

  private final FileChannel pipe;
  /** The descriptor poll(2) asks; -1 once closed. */
  private int fd;
  /** Whether {@link #fd} is a descriptor of its own, beside the channel's, to be closed apart. */
  private final boolean separate;

  private PipeInputStream(FileChannel pipe, int fd, boolean separate) {
    this.pipe = pipe;
    this.fd = fd;
    this.separate = separate;
  }

  /**
   * Takes ownership of {@code fd}, the read end of a pipe.
   *
   * @throws IOException when no channel could be had (out of descriptors, most likely); {@code fd}
   *     is then still the caller's
   */
  static PipeInputStream over(int fd) throws IOException {
    PipeChannels.Opened opened = PipeChannels.reading(fd);
    return new PipeInputStream(opened.channel(), fd, !opened.ownsDescriptor());
  }

  /**
   * @return whether a read would return at once: bytes are waiting, or every writer has closed
   *     the pipe (poll(2) with no timeout)
   */
  synchronized boolean ready() {
    // A channel closed by the interruption of its reader closed a shared descriptor without
    // close(): its number may be another file's by now.
    if (fd < 0 || !pipe.isOpen()) {
      return false;
    }
    return LibC.pollIn(fd, 0) > 0;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length == 0) {
      return 0;
    }
    return pipe.read(ByteBuffer.wrap(bytes, offset, length));
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    byte[] buffer = new byte[TRANSFER_BYTES];
    long transferred = 0;
    for (int n; (n = read(buffer, 0, buffer.length)) >= 0; ) {
      out.write(buffer, 0, n);
      transferred += n;
    }
    return transferred;
  }

  /** @return the pipe itself, for reads into direct buffers */
  FileChannel channel() {
    return pipe;
  }

  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (fd >= 0 && separate) {
        LibC.close(fd);
      }
      fd = -1;
    }
    pipe.close();
  }
}
