package io.cgiguard.launch.posix;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.util.Objects;

/**
 * The write end of a script's stdin pipe, made a {@link FileChannel} ({@link PipeChannels}; a
 * channel for the reasons {@link PipeInputStream} gives) only when the first byte is written.
 * Most CGI requests have no body and close stdin at once; for them the channel was pure cost on
 * every request, and closing the bare descriptor is one system call.
 *
 * <p>It is also a {@link GatheringByteChannel}, so a request body held in direct buffers reaches
 * the pipe without the copy into a temporary direct buffer that a write of a heap array costs,
 * several buffers in one write(2). On the first write the pipe is enlarged to
 * {@link Spawner#STDIN_PIPE_BYTES}, which halves the script's wake-ups during an upload; most
 * requests have no body and never pay the call.
 */
final class PipeOutputStream extends OutputStream implements GatheringByteChannel {
  private int fd;
  private FileChannel channel;
  private boolean closed;

  /**
   * Takes ownership of {@code fd}; -1 for a script whose stdin is {@code /dev/null}, which takes
   * no write, and whose close is no system call.
   */
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
    while (buffer.hasRemaining()) {
      write(buffer);
    }
  }

  /** One write(2) of what {@code buffer} holds, or as much as the pipe takes. */
  @Override
  public int write(ByteBuffer buffer) throws IOException {
    return channel().write(buffer);
  }

  /** One writev(2) of what {@code buffers} hold, or as much as the pipe takes. */
  @Override
  public long write(ByteBuffer[] buffers, int offset, int length) throws IOException {
    return channel().write(buffers, offset, length);
  }

  @Override
  public long write(ByteBuffer[] buffers) throws IOException {
    return write(buffers, 0, buffers.length);
  }

  @Override
  public synchronized boolean isOpen() {
    return !closed;
  }

  private synchronized FileChannel channel() throws IOException {
    if (closed) {
      throw new IOException("stdin is closed");
    }
    if (fd < 0 && channel == null) {
      throw new IOException("the script's stdin is /dev/null: it was started for no input");
    }
    if (channel == null) {
      // Best effort, as for stdout: a refusal leaves the default size, which works.
      LibC.fcntl(fd, LibC.F_SETPIPE_SZ, Spawner.STDIN_PIPE_BYTES);
      PipeChannels.Opened opened = PipeChannels.writing(fd);
      channel = opened.channel();
      if (!opened.ownsDescriptor()) {
        LibC.close(fd);
      }
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
      if (open == null && fd >= 0) {
        LibC.close(fd);
        fd = -1;
      }
    }
    if (open != null) {
      open.close();
    }
  }
}
