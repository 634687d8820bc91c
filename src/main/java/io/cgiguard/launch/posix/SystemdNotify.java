package io.cgiguard.launch.posix;

import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The systemd notification protocol ({@code sd_notify(3)}) for a unit of {@code Type=notify}: one
 * datagram such as {@code READY=1} to the Unix socket named by {@code $NOTIFY_SOCKET}. Java's own
 * Unix domain sockets are stream sockets only, so the datagram goes through glibc by JNA. Without
 * {@code $NOTIFY_SOCKET} (not started by systemd) every call does nothing.
 */
public final class SystemdNotify {
  static {
    Native.register("c");
  }

  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int MSG_NOSIGNAL = 0x4000;
  /** struct sockaddr_un: a 2-byte family, then 108 bytes of path. */
  private static final int SUN_PATH_BYTES = 108;

  private SystemdNotify() {}

  private static native int socket(int domain, int type, int protocol);

  private static native long sendto(int fd, byte[] buffer, long length, int flags, byte[] address,
      int addressLength);

  private static native int close(int fd);

  /**
   * Sends {@code state} (lines such as {@code READY=1} or {@code STATUS=...}).
   *
   * @return empty when sent or when there is no {@code $NOTIFY_SOCKET}; else why it failed
   */
  public static Optional<String> notify(String state) {
    String socketName = System.getenv("NOTIFY_SOCKET");
    if (socketName == null || socketName.isEmpty()) {
      return Optional.empty();
    }
    byte[] path = socketName.getBytes(StandardCharsets.UTF_8);
    if (path.length >= SUN_PATH_BYTES || !(path[0] == '/' || path[0] == '@')) {
      return Optional.of("NOTIFY_SOCKET is not a socket path: " + socketName);
    }
    byte[] address = new byte[2 + SUN_PATH_BYTES];
    address[0] = (byte) AF_UNIX;
    System.arraycopy(path, 0, address, 2, path.length);
    int length = 2 + path.length + 1;
    if (path[0] == '@') {
      // An abstract socket: a leading NUL, and the length counts no trailing one.
      address[2] = 0;
      length = 2 + path.length;
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return Optional.of("socket(AF_UNIX) failed: errno " + Native.getLastError());
    }
    try {
      byte[] message = state.getBytes(StandardCharsets.UTF_8);
      long sent = sendto(fd, message, message.length, MSG_NOSIGNAL, address, length);
      return sent == message.length ? Optional.empty()
          : Optional.of("sending to " + socketName + " failed: errno " + Native.getLastError());
    } finally {
      close(fd);
    }
  }
}
