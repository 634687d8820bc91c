package io.cgiguard.http;

import io.cgiguard.launch.posix.SocketHangups;
import java.util.Optional;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;

/**
 * Tells the gateway that an HTTP/1.x client left while its request's script had not answered
 * ({@link SocketHangups}). HTTP/2 needs no watch (Jetty reads its connections all the time and
 * hears a stream's reset), nor FastCGI (nginx sends ABORT_REQUEST, or closes the connection that
 * the listener reads).
 */
final class ClientHangups implements AutoCloseable {

  private final Optional<SocketHangups> watcher;

  private ClientHangups(Optional<SocketHangups> watcher) {
    this.watcher = watcher;
  }

  static ClientHangups open() {
    return new ClientHangups(SocketHangups.open());
  }

  /**
   * Watches {@code request}'s client: {@code onHangup} runs once if it leaves before the watch
   * ends. End the watch before the request completes.
   */
  SocketHangups.Watch watch(Request request, Runnable onHangup) {
    if (watcher.isEmpty()) {
      return SocketHangups.NONE;
    }
    ConnectionMetaData connection = request.getConnectionMetaData();
    if (connection.getHttpVersion().getVersion() >= 20
        || connection.getConnection() instanceof FastCgiConnection) {
      return SocketHangups.NONE;
    }
    EndPoint endPoint = connection.getConnection().getEndPoint();
    while (endPoint instanceof EndPoint.Wrapper wrapper) {
      endPoint = wrapper.unwrap();
    }
    if (!(endPoint instanceof SocketChannelEndPoint socket)) {
      return SocketHangups.NONE;
    }
    return watcher.get().watch(socket.getChannel(), onHangup);
  }

  @Override
  public void close() {
    watcher.ifPresent(SocketHangups::close);
  }
}
