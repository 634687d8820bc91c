package io.cgiguard.attempt;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The script's stdin as the body pump writes it, telling {@code progress} each time the script
 * took some of its body. The header timeout runs from the last such moment rather than from the
 * spawn: a script that reads its body first (CGI.pm does) cannot answer before the body is in,
 * and a client on a slow line must not turn that into the script's 504. A script that stops
 * taking its stdin makes no progress, so the timeout still ends it.
 */
final class BodyProgress extends OutputStream implements GatheringByteChannel {

  private final OutputStream stdin;
  private final WritableByteChannel channel;
  private final Runnable progress;

  BodyProgress(OutputStream stdin, Runnable progress) {
    this.stdin = stdin;
    this.channel = stdin instanceof WritableByteChannel writable ? writable
        : Channels.newChannel(stdin);
    this.progress = progress;
  }

  @Override
  public void write(int b) throws IOException {
    stdin.write(b);
    progress.run();
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    stdin.write(bytes, offset, length);
    if (length > 0) {
      progress.run();
    }
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    return taken(channel.write(source));
  }

  @Override
  public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
    if (channel instanceof GatheringByteChannel gathering) {
      return taken(gathering.write(sources, offset, length));
    }
    long written = 0;
    for (int i = offset; i < offset + length; i++) {
      written += write(sources[i]);
      if (sources[i].hasRemaining()) {
        break;
      }
    }
    return written;
  }

  @Override
  public long write(ByteBuffer[] sources) throws IOException {
    return write(sources, 0, sources.length);
  }

  private <T extends Number> T taken(T written) {
    if (written.longValue() > 0) {
      progress.run();
    }
    return written;
  }

  @Override
  public void flush() throws IOException {
    stdin.flush();
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    stdin.close();
  }
}
