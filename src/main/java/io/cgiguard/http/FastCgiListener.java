package io.cgiguard.http;

import io.cgiguard.config.AddressRange;
import io.cgiguard.config.GatewayConfig;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FastCGI listener: a Jetty connector (Unix socket or TCP) whose connections speak FastCGI,
 * on the gateway's own selector and thread pool, so its requests reach the same handler as HTTP
 * ones. The Unix socket gets the configured owner, group and mode once it exists, before any
 * script can run.
 */
public final class FastCgiListener implements Drainable {

  private static final Logger LOG = LoggerFactory.getLogger(FastCgiListener.class);

  private final GatewayConfig.FastCgi settings;
  private final AbstractConnector connector;
  private final FastCgiConnection.Shared shared;
  private final FastCgiConnectionFactory factory;

  private FastCgiListener(GatewayConfig.FastCgi settings, AbstractConnector connector,
      FastCgiConnection.Shared shared, FastCgiConnectionFactory factory) {
    this.settings = settings;
    this.connector = connector;
    this.shared = shared;
    this.factory = factory;
  }

  /** Adds the listener's connector to {@code server}; it listens when the server starts. */
  static FastCgiListener attach(Server server, GatewayConfig.FastCgi settings,
      Duration idleTimeout, Supplier<List<AddressRange>> allowedClients) {
    GatewayConfig.Listen listen = settings.listen().orElseThrow();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setSendDateHeader(false);
    http.setIdleTimeout(idleTimeout.toMillis());
    FastCgiConnection.Shared shared = new FastCgiConnection.Shared(new AtomicInteger(),
        new FastCgiClients(allowedClients), new AtomicBoolean());
    FastCgiConnectionFactory factory = new FastCgiConnectionFactory(http, settings, shared);
    AbstractConnector connector;
    if (listen.unixSocket().isPresent()) {
      Path socket = listen.unixSocket().get();
      UnixListener unix = new UnixListener(server, factory);
      unix.setUnixDomainPath(socket);
      unix.setAcceptQueueSize(1024);
      connector = unix;
    } else {
      ServerConnector tcp = new GuardedConnector(server, false, factory);
      tcp.setHost(listen.host());
      tcp.setPort(listen.port());
      tcp.setAcceptQueueSize(1024);
      connector = tcp;
    }
    connector.setName("fastcgi");
    connector.setIdleTimeout(idleTimeout.toMillis());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(settings.maxConnections(), connector));
    return new FastCgiListener(settings, connector, shared, factory);
  }

  /**
   * Gives the Unix socket its owner, group and mode; called once it listens, before the gateway
   * drops its privileges. (A socket cannot be opened, so this goes by path: the socket's
   * directory must be one only root can write.)
   *
   * @throws BindException naming the socket and what could not be set
   */
  void secureSocket() throws BindException {
    Optional<Path> unix = settings.listen().orElseThrow().unixSocket();
    if (unix.isEmpty()) {
      return;
    }
    Path socket = unix.get();
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(socket,
          PosixFileAttributeView.class);
      UserPrincipalLookupService users = socket.getFileSystem().getUserPrincipalLookupService();
      if (settings.socketOwner().isPresent()) {
        view.setOwner(users.lookupPrincipalByName(settings.socketOwner().get()));
      }
      if (settings.socketGroup().isPresent()) {
        view.setGroup(users.lookupPrincipalByGroupName(settings.socketGroup().get()));
      }
      view.setPermissions(settings.socketMode());
    } catch (IOException e) {
      throw new BindException("cannot give unix:" + socket + " its [fastcgi] socket-owner, "
          + "socket-group and socket-mode: " + e.getMessage());
    }
  }

  /**
   * Called before the server starts: a socket file left by a gateway that did not stop cleanly
   * would make the bind fail; one that nobody answers on is removed. Anything else at that path is
   * an error, never overwritten.
   *
   * @throws BindException naming the socket and what is in the way
   */
  void prepare() throws IOException {
    Optional<Path> unix = settings.listen().orElseThrow().unixSocket();
    if (unix.isPresent()) {
      removeStaleSocket(unix.get());
    } else {
      // Opened here rather than by Server.start(), so that a port in use is named as FastCGI's.
      try {
        ((ServerConnector) connector).open();
      } catch (IOException e) {
        throw new BindException(cannotListen(e));
      }
    }
  }

  private static void removeStaleSocket(Path socket) throws IOException {
    Path directory = socket.getParent();
    if (!Files.isDirectory(directory)) {
      throw new BindException("cannot listen on unix:" + socket + ": " + directory
          + (Files.exists(directory) ? " is not a directory" : " does not exist")
          + "; create it (a directory only root can write, such as /run/cgiguard)");
    }
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!"s".equals(fileType(socket))) {
      throw new BindException("cannot listen on unix:" + socket + ": something other than a "
          + "socket is there");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      throw new BindException("cannot listen on unix:" + socket + ": another process is "
          + "listening there");
    } catch (java.net.ConnectException refused) {
      Files.deleteIfExists(socket);
    }
  }

  private static String fileType(Path path) throws IOException {
    Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (((Integer) mode) & 0170000) == 0140000 ? "s" : "-";
  }

  /**
   * @return the reason it could not listen, once {@code Server.start()} has failed: empty when
   *     the failure was another connector's
   */
  Optional<String> listenFailure(Throwable failure) {
    return connector.isFailed() ? Optional.of(cannotListen(failure)) : Optional.empty();
  }

  private String cannotListen(Throwable failure) {
    GatewayConfig.Listen listen = settings.listen().orElseThrow();
    return ListenFailure.of("FastCGI", listen.toString(),
        listen.unixSocket().isPresent() ? -1 : listen.port(), failure).getMessage();
  }

  /** Says, for a TCP listener, whom it takes connections from; a Unix socket has its mode. */
  void sayWhoMayConnect() {
    if (settings.listen().orElseThrow().unixSocket().isEmpty()) {
      LOG.info("FastCGI on {} takes connections from {} ([fastcgi] allowed-clients)", address(),
          factory.clients());
    }
  }

  /** @return where it listens: {@code unix:/path} or {@code host:port} with the real port */
  public String address() {
    GatewayConfig.Listen listen = settings.listen().orElseThrow();
    if (connector instanceof AbstractNetworkConnector network) {
      return new GatewayConfig.Listen(listen.unixSocket(), listen.host(), network.getLocalPort())
          .toString();
    }
    return listen.toString();
  }

  /** @return the TCP port it listens on, or -1 on a Unix socket */
  public int port() {
    return connector instanceof AbstractNetworkConnector network ? network.getLocalPort() : -1;
  }

  /**
   * Stops taking connections and closes the listening socket, so that a front server's next
   * connect fails at once (a Unix socket file that stays behind refuses it) instead of waiting in
   * the backlog; the connections already open go on. Idempotent.
   */
  @Override
  public void stopAccepting() {
    if (connector instanceof UnixListener unix) {
      unix.closeListening();
    } else {
      connector.setAccepting(false);
      ((ServerConnector) connector).close();
    }
    closeConnectionsAfterAnswers();
    for (org.eclipse.jetty.io.EndPoint open : connector.getConnectedEndPoints()) {
      if (open.getConnection() instanceof FastCgiConnection connection) {
        connection.closeIfIdle();
      }
    }
  }

  /**
   * From now on a kept connection closes after its answer, as HTTP responses carry {@code
   * Connection: close} while the gateway drains; {@link #stopAccepting()} then closes the idle
   * ones too.
   */
  public void closeConnectionsAfterAnswers() {
    shared.closing().set(true);
  }

  @Override
  public int inFlight() {
    return shared.inFlight().get();
  }

  /** @return the connections from front servers open now, the idle ones they keep included */
  public int openConnections() {
    return connector.getConnectedEndPoints().size();
  }

  @Override
  public void close() {
    try {
      connector.stop();
    } catch (Exception e) {
      LOG.warn("closing the FastCGI listener failed", e);
    }
  }

  /**
   * The Unix-socket connector. Its socket file usually lies in a directory only root may write,
   * and by the time the gateway stops it runs as {@code [server] run-as}, which may not remove
   * the file: the listening socket still closes, the file stays (nothing answers on it, so a
   * front server's connect is refused), one line says so, and the next start replaces it.
   * (Its log is the listener's: the inherited {@code LOG} is Jetty's.)
   */
  private static final class UnixListener extends UnixDomainServerConnector {

    private volatile boolean listeningClosed;
    private final AtomicBoolean fileLeftSaid = new AtomicBoolean();
    private final AcceptShortage shortage =
        new AcceptShortage(() -> "fastcgi unix:" + getUnixDomainPath());

    UnixListener(Server server, ConnectionFactory factory) {
      super(server, factory);
      DescriptorShortage.loadAhead();
    }

    void closeListening() {
      listeningClosed = true;
      setAccepting(false);
      if (getTransport() instanceof Closeable listening) {
        try {
          listening.close();
        } catch (IOException e) {
          FastCgiListener.LOG.warn("closing unix:{} failed: {}", getUnixDomainPath(),
              e.toString());
        }
      }
      try {
        Files.deleteIfExists(getUnixDomainPath());
      } catch (IOException e) {
        fileLeft(e);
      }
    }

    /** The acceptor blocked in accept() when the socket closed under it: no failure. */
    @Override
    protected boolean handleAcceptFailure(Throwable failure) {
      if (listeningClosed && failure instanceof ClosedChannelException) {
        return true;
      }
      Optional<String> errno = isRunning() ? DescriptorShortage.errno(failure) : Optional.empty();
      if (errno.isPresent()) {
        shortage.failed(errno.get());
        return shortage.pause();
      }
      return super.handleAcceptFailure(failure);
    }

    @Override
    public void accept(int acceptorId) throws IOException {
      super.accept(acceptorId);
      shortage.accepted();
    }

    @Override
    protected void doStop() throws Exception {
      try {
        super.doStop();
      } catch (IOException e) {
        // Jetty removes the file last, once the socket and the selectors are closed.
        fileLeft(e);
      }
    }

    private void fileLeft(IOException failure) {
      if (!fileLeftSaid.compareAndSet(false, true)) {
        return;
      }
      if (failure instanceof AccessDeniedException) {
        FastCgiListener.LOG.info("unix:{} stays behind: the run-as user may not remove it "
            + "from its directory; nothing listens on it any more, and the next start replaces it",
            getUnixDomainPath());
      } else {
        FastCgiListener.LOG.warn("cannot remove unix:{}: {}; the next start replaces it",
            getUnixDomainPath(), failure.toString());
      }
    }
  }
}
