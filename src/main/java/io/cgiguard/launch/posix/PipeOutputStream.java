package io.cgiguard.launch.posix;

import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The write end of a script's stdin pipe, opened as a {@link FileChannel} (through
 * {@code /proc/self/fd}, as {@link PipeInputStream} says why) only when the first byte is
 * written. Most CGI requests have no body and close stdin at once; for them the reopen, the
 * channel and its cleaner were pure cost on every request, and closing the bare descriptor is
 * one system call.
 */
final class PipeOutputStream extends OutputStream {
  private int fd;
  private FileChannel channel;
  private boolean closed;

  /** Takes ownership of {@code fd}. */
  PipeOutputStream(int fd) {
    this.fd = fd;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
    FileChannel pipe = channel();
    while (buffer.hasRemaining()) {
      pipe.write(buffer);
    }
  }

  private synchronized FileChannel channel() throws IOException {
    if (closed) {
      throw new IOException("stdin is closed");
    }
    if (channel == null) {
      channel = FileChannel.open(Path.of("/proc/self/fd", Integer.toString(fd)), WRITE);
      LibC.close(fd);
      fd = -1;
    }
    return channel;
  }

  /** Closing the channel also wakes a writer blocked on a full pipe. */
  @Override
  public void close() throws IOException {
    FileChannel open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = channel;
      if (open == null) {
        LibC.close(fd);
        fd = -1;
      }
    }
    if (open != null) {
      open.close();
    }
  }
}
