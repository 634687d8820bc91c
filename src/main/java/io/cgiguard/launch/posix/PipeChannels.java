package io.cgiguard.launch.posix;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link FileChannel} over a pipe descriptor the launcher already holds. Java has no public
 * way to make a channel of a descriptor number; the JDK's own {@code sun.nio.ch.IOUtil.newFD}
 * does it, and is readable where that package is exported to the gateway ({@code --add-exports
 * java.base/sun.nio.ch=ALL-UNNAMED}, which the jar's manifest and the tests give, as
 * {@link SocketHangups} needs it too). The channel then owns the descriptor itself. Elsewhere the
 * pipe is opened again through {@code /proc/self/fd}: a second descriptor of the same pipe, and
 * a path lookup, a file open and the JDK's cleaner registration on every script, which the first
 * way does without.
 */
final class PipeChannels {
  /** {@code sun.nio.ch.IOUtil.newFD(int)}, or null where the JDK does not let the gateway in. */
  private static final Method NEW_FD = newFd();

  private PipeChannels() {}

  /**
   * A channel over a pipe's descriptor.
   *
   * @param channel the channel
   * @param ownsDescriptor whether the channel's descriptor is the one given, which closing the
   *     channel closes; otherwise the given one stays open, the caller's to close
   */
  record Opened(FileChannel channel, boolean ownsDescriptor) {}

  /** @return a channel reading {@code fd}, the read end of a pipe */
  static Opened reading(int fd) throws IOException {
    FileDescriptor descriptor = descriptor(fd);
    if (descriptor != null) {
      return new Opened(new FileInputStream(descriptor).getChannel(), true);
    }
    return new Opened(FileChannel.open(procFd(fd), StandardOpenOption.READ), false);
  }

  /** @return a channel writing {@code fd}, the write end of a pipe */
  static Opened writing(int fd) throws IOException {
    FileDescriptor descriptor = descriptor(fd);
    if (descriptor != null) {
      return new Opened(new FileOutputStream(descriptor).getChannel(), true);
    }
    return new Opened(FileChannel.open(procFd(fd), StandardOpenOption.WRITE), false);
  }

  private static FileDescriptor descriptor(int fd) {
    if (NEW_FD == null) {
      return null;
    }
    try {
      return (FileDescriptor) NEW_FD.invoke(null, fd);
    } catch (IllegalAccessException | InvocationTargetException e) {
      return null;
    }
  }

  private static Path procFd(int fd) {
    return Path.of("/proc/self/fd", Integer.toString(fd));
  }

  private static Method newFd() {
    try {
      Method method = Class.forName("sun.nio.ch.IOUtil").getMethod("newFD", int.class);
      // Asked once with an invalid number, which it only stores: a JVM that does not export the
      // package refuses here, not on a script's first request.
      method.invoke(null, -1);
      return method;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
}
