package io.cgiguard.http;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.server.RequestLog;

/**
 * Where access log lines go: standard output, or a file opened for appending that
 * {@link #reopen()} opens again by name, so that after logrotate has renamed it the next line
 * goes to the new file. Jetty's {@code RequestLogWriter} writes to standard error when it has no
 * file and rolls files over by date itself; neither is what an operator with logrotate expects.
 */
final class AccessLogWriter implements RequestLog.Writer, AutoCloseable {

  private final Optional<Path> file;
  private OutputStream out;

  private AccessLogWriter(Optional<Path> file, OutputStream out) {
    this.file = file;
    this.out = out;
  }

  /** @return a writer to standard output */
  static AccessLogWriter stdout() {
    return new AccessLogWriter(Optional.empty(), new FileOutputStream(FileDescriptor.out));
  }

  /** @return a writer appending to {@code file}, which is created when missing */
  static AccessLogWriter file(Path file) throws IOException {
    return new AccessLogWriter(Optional.of(file), new FileOutputStream(file.toFile(), true));
  }

  /** Writes one line in one {@code write} call, so that concurrent lines never interleave. */
  @Override
  public synchronized void write(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Opens the file again by its name; lines written meanwhile go to the old file until the new
   * one is open, so none is lost. Standard output is left as it is.
   */
  void reopen() throws IOException {
    if (file.isEmpty()) {
      return;
    }
    OutputStream fresh = new FileOutputStream(file.get().toFile(), true);
    OutputStream old;
    synchronized (this) {
      old = out;
      out = fresh;
    }
    old.close();
  }

  @Override
  public synchronized void close() throws IOException {
    if (file.isPresent()) {
      out.close();
    }
  }
}
