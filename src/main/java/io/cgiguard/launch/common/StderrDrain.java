package io.cgiguard.launch.common;

import io.cgiguard.launch.LaunchSpec.StderrSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a script's stderr to its end on a launcher thread: every line goes to the spec's sink, the
 * last bytes to a {@link StderrTail}. Draining is what keeps a script that writes megabytes to
 * stderr before its first stdout byte from blocking on a full pipe while the gateway waits.
 *
 * <p>The drain owns the stream and closes it at EOF: closing a descriptor another thread is blocked
 * reading would leave that read hanging (and the number free for reuse), so the stream ends only
 * when the script's whole process group has let go of the pipe.
 *
 * <p>A launcher that reads stderr itself (the POSIX launcher polls every script's stderr on one
 * thread) makes a drain without a stream and pushes to it with {@link #accept} and {@link #end}.
 */
public final class StderrDrain implements Runnable {
  /** A line longer than this is cut, so one line without a newline cannot grow without bound. */
  public static final int MAX_LINE_BYTES = 8 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(StderrDrain.class);
  private static final int READ_BYTES = 64 * 1024;

  private final InputStream stderr;
  private final StderrSink sink;
  private final StderrTail tail;
  private final CountDownLatch finished = new CountDownLatch(1);
  /** Allocated on the first byte: most scripts write nothing to stderr. */
  private byte[] line;
  private int lineLength;
  private boolean lineCut;

  public StderrDrain(InputStream stderr, StderrSink sink, int tailBytes) {
    this.stderr = stderr;
    this.sink = sink;
    this.tail = new StderrTail(tailBytes);
  }

  /** A drain fed by its launcher through {@link #accept} and {@link #end}, with no stream. */
  public StderrDrain(StderrSink sink, int tailBytes) {
    this(null, sink, tailBytes);
  }

  @Override
  public void run() {
    if (stderr == null) {
      throw new IllegalStateException("this drain is fed, it has no stream to read");
    }
    try (InputStream in = stderr) {
      byte[] buffer = new byte[READ_BYTES];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        accept(buffer, n);
      }
    } catch (IOException e) {
      // The pipe broke because the process was torn down; what was read is kept.
      LOG.debug("stderr pipe closed while draining", e);
    } finally {
      end();
    }
  }

  /** The next {@code length} bytes of stderr; called by one thread at a time. */
  public void accept(byte[] bytes, int length) {
    tail.append(bytes, 0, length);
    split(bytes, length);
  }

  /** stderr has ended (EOF, or given up): the last unfinished line goes out. */
  public void end() {
    if (finished.getCount() == 0) {
      return;
    }
    if (lineLength > 0 || lineCut) {
      emit();
    }
    finished.countDown();
  }

  /** @return the last stderr bytes read so far */
  public byte[] tail() {
    return tail.snapshot();
  }

  /**
   * How long a launcher lets the drain catch up once the script has exited before it reports the
   * termination, and {@code close()} after its kill, so that a termination comes with the
   * script's last stderr words; only a process outside the killed group (one that called setsid)
   * can hold stderr longer, and waiting for it would only stall the caller.
   */
  public static final long SETTLE_MILLIS = 200;

  /** Waits up to {@code millis} for EOF on stderr; @return whether the drain has finished */
  public boolean awaitEnd(long millis) throws InterruptedException {
    return finished.await(millis, TimeUnit.MILLISECONDS);
  }

  /** Waits up to {@link #SETTLE_MILLIS} for EOF, keeping the caller's interrupt status. */
  public void settle() {
    try {
      awaitEnd(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Closes stderr without waiting for EOF, for a pipe held by a process beyond the launcher's
   * reach. A read already blocked on it stays blocked until that process lets go.
   */
  public void abandon() {
    if (stderr == null) {
      throw new IllegalStateException("a fed drain is abandoned by whoever feeds it");
    }
    try {
      stderr.close();
    } catch (IOException e) {
      LOG.debug("closing an abandoned stderr pipe failed", e);
    }
  }

  private void split(byte[] buffer, int length) {
    if (line == null) {
      line = new byte[MAX_LINE_BYTES];
    }
    for (int i = 0; i < length; i++) {
      byte b = buffer[i];
      if (b == '\n') {
        emit();
      } else if (lineLength < line.length) {
        line[lineLength++] = b;
      } else {
        lineCut = true;
      }
    }
  }

  private void emit() {
    int length = lineLength;
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    String text = new String(line, 0, length, StandardCharsets.UTF_8);
    lineLength = 0;
    lineCut = false;
    try {
      sink.line(text);
    } catch (RuntimeException e) {
      // A faulty sink must not stop the drain, or the script would block on a full stderr pipe.
      LOG.warn("stderr sink failed; line dropped", e);
    }
  }
}
