package io.cgiguard.launch.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that the peer of a socket has gone (its end of the connection closed or reset) while
 * nobody reads the socket: an HTTP/1.1 client that leaves while its request's script has not yet
 * written anything. Jetty reads such a connection again only once the response is done, so until
 * the gateway's next write the client's leaving went unseen, and a silent script ran on to its
 * timeout for nobody.
 *
 * <p>One thread and one epoll(7) set. A socket joins the set only once its request has run for
 * {@link #WATCH_AFTER}, so the quick requests that are most of the traffic cost a queue entry and
 * no system call. It is watched for {@code EPOLLRDHUP} (the peer closed its side) and the hang-up
 * and error events, never for input: bytes of a pipelined next request wake nothing and are left
 * where they are for Jetty, as nginx's check of an upstream request's client does (an HTTP/1.x
 * client that shuts down its side of the connection counts as gone there too).
 *
 * <p>While no request is waiting for its {@link #WATCH_AFTER}, the thread sleeps in epoll_wait
 * without a timeout, so an idle gateway does not wake it; the first request queued after that
 * wakes it through an eventfd in the set. Under load the queue is never empty (a quick request's
 * entry stays in it until it would have been watched) and nothing is written to the eventfd.
 *
 * <p>The set holds a duplicate of the socket's descriptor, made while the channel is known to be
 * open, so that the watch can never act on a number that Jetty closed and the kernel gave to
 * another file; the duplicate is closed when the watch ends, before the request completes.
 */
public final class SocketHangups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SocketHangups.class);
  /** How long a request runs before its socket is watched. */
  public static final Duration WATCH_AFTER = Duration.ofMillis(200);
  private static final int PERIOD_MILLIS = 100;
  private static final long WAKE_ID = 0;
  private static final int MAX_EVENTS = 32;
  private static final boolean PACKED_EVENTS = Platform.isIntel();
  private static final int EVENT_BYTES = PACKED_EVENTS ? 12 : 16;
  private static final int EVENT_DATA_OFFSET = PACKED_EVENTS ? 4 : 8;
  private static final int EPOLLRDHUP = 0x2000;
  private static final int EPOLLERR = 0x8;
  private static final int EPOLLHUP = 0x10;
  private static final int F_DUPFD_CLOEXEC = 1030;
  private static final long STACK_BYTES = 256 * 1024;

  /** A watch that never fires, for a request whose socket cannot be watched. */
  public static final Watch NONE = () -> {};

  /** Ends a watch; after it returns, the callback will not run and no descriptor is held. */
  @FunctionalInterface
  public interface Watch {
    void end();
  }

  private final int epollFd;
  /** In the set with id 0 (entries count from 1): written to wake a thread that sleeps. */
  private final int wakeFd;
  /** Set by the thread before it sleeps without a timeout; whoever clears it wakes the thread. */
  private final AtomicBoolean asleep = new AtomicBoolean();
  private final Memory wakeCount = new Memory(8);
  private final Method descriptor;
  private final Queue<Entry> pending = new ConcurrentLinkedQueue<>();
  private final Map<Long, Entry> registered = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Thread thread;
  private volatile boolean stopping;
  /** Guarded by this: set by the first {@link #close}, which alone closes the epoll set. */
  private boolean closed;

  // Owned by the loop thread.
  private final Memory events = new Memory((long) MAX_EVENTS * EVENT_BYTES);
  private final Memory ctlEvent = new Memory(EVENT_BYTES);

  private final class Entry implements Watch {
    final long id = ids.incrementAndGet();
    final long since = System.nanoTime();
    final SocketChannel channel;
    final Runnable onHangup;
    /** Guarded by this: whether the watch is over (ended, or its peer left). */
    private boolean over;
    /** Guarded by this: the duplicate in the epoll set, or -1. */
    private int duplicate = -1;

    Entry(SocketChannel channel, Runnable onHangup) {
      this.channel = channel;
      this.onHangup = onHangup;
    }

    @Override
    public void end() {
      synchronized (this) {
        if (over) {
          return;
        }
        over = true;
        unregister();
      }
    }

    /** Called holding this. */
    void unregister() {
      if (duplicate >= 0) {
        LibC.epoll_ctl(epollFd, LibC.EPOLL_CTL_DEL, duplicate, null);
        LibC.close(duplicate);
        duplicate = -1;
        registered.remove(id);
      }
    }
  }

  private SocketHangups(int epollFd, int wakeFd, Method descriptor) {
    this.epollFd = epollFd;
    this.wakeFd = wakeFd;
    this.descriptor = descriptor;
    thread = new Thread(null, this::run, "cgiguard-client-hangups", STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * @return the watcher, or empty (said once in the log) where the JDK does not let the gateway
   *     read a socket channel's descriptor (a JVM started without {@code --add-exports
   *     java.base/sun.nio.ch=ALL-UNNAMED}, which the jar's manifest and bin/cgiguard give) or the
   *     system has no epoll
   */
  public static Optional<SocketHangups> open() {
    if (!Platform.isLinux()) {
      return Optional.empty();
    }
    Method descriptor;
    try (SocketChannel probe = SocketChannel.open()) {
      descriptor = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
      if ((int) descriptor.invoke(probe) < 0) {
        return Optional.empty();
      }
    } catch (ReflectiveOperationException | RuntimeException | IOException | LinkageError e) {
      LOG.info("an HTTP/1.1 client that leaves while its script is silent is noticed only at the "
          + "gateway's next write: the JDK does not give socket descriptors to this JVM ({}); "
          + "start it with --add-exports java.base/sun.nio.ch=ALL-UNNAMED, as bin/cgiguard and "
          + "java -jar do", e.toString());
      return Optional.empty();
    }
    int epollFd;
    try {
      epollFd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
    } catch (LinkageError e) {
      return Optional.empty();
    }
    if (epollFd < 0) {
      LOG.warn("epoll_create1 failed, errno {}: clients that leave are noticed at the next write "
          + "only", Native.getLastError());
      return Optional.empty();
    }
    int wakeFd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
    Memory wakeEvent = new Memory(EVENT_BYTES);
    wakeEvent.setInt(0, LibC.EPOLLIN);
    wakeEvent.setLong(EVENT_DATA_OFFSET, WAKE_ID);
    if (wakeFd < 0 || LibC.epoll_ctl(epollFd, LibC.EPOLL_CTL_ADD, wakeFd, wakeEvent) != 0) {
      LOG.warn("{} failed, errno {}: clients that leave are noticed at the next write only",
          wakeFd < 0 ? "eventfd" : "epoll_ctl of the client watch's eventfd",
          Native.getLastError());
      if (wakeFd >= 0) {
        LibC.close(wakeFd);
      }
      LibC.close(epollFd);
      return Optional.empty();
    }
    return Optional.of(new SocketHangups(epollFd, wakeFd, descriptor));
  }

  /**
   * Watches {@code channel} from {@link #WATCH_AFTER} on; {@code onHangup} runs once, on the
   * watcher's thread, if its peer goes before the watch ends. Costs no system call on the caller's
   * thread, nor on the watcher's if the watch ends first.
   */
  public Watch watch(SocketChannel channel, Runnable onHangup) {
    if (stopping) {
      return NONE;
    }
    Entry entry = new Entry(channel, onHangup);
    pending.add(entry);
    if (asleep.get() && asleep.compareAndSet(true, false)) {
      LibC.eventfd_write(wakeFd, 1);
    }
    return entry;
  }

  private void run() {
    try {
      loop();
    } catch (Throwable e) {
      // From now on watch() queues nothing: clients are heard of at the next write, as before.
      stopping = true;
      LOG.error("the watch for clients that leave stopped; they are noticed at the gateway's next "
          + "write from now on", e);
      pending.clear();
    }
  }

  private void loop() {
    long watchAfter = WATCH_AFTER.toNanos();
    while (!stopping) {
      int count = LibC.epoll_wait(epollFd, events, MAX_EVENTS, timeoutMillis());
      asleep.set(false);
      for (int i = 0; i < count; i++) {
        long id = events.getLong((long) i * EVENT_BYTES + EVENT_DATA_OFFSET);
        if (id == WAKE_ID) {
          LibC.eventfd_read(wakeFd, wakeCount);
          continue;
        }
        Entry entry = registered.get(id);
        if (entry != null) {
          hungUp(entry);
        }
      }
      long now = System.nanoTime();
      for (Entry entry = pending.peek(); entry != null; entry = pending.peek()) {
        if (now - entry.since < watchAfter) {
          // Entries arrive in the order they started: the rest are younger still.
          break;
        }
        pending.poll();
        register(entry);
      }
    }
  }

  /**
   * A period while requests wait to be watched; none at all once the queue is empty, after
   * saying so in {@link #asleep} and looking at the queue again: a watch queued before that look
   * is seen by it, one queued after sees the flag and wakes the thread.
   */
  private int timeoutMillis() {
    if (!pending.isEmpty()) {
      return PERIOD_MILLIS;
    }
    asleep.set(true);
    if (!pending.isEmpty() || stopping) {
      asleep.set(false);
      return PERIOD_MILLIS;
    }
    return -1;
  }

  private void register(Entry entry) {
    synchronized (entry) {
      if (entry.over || !entry.channel.isOpen()) {
        return;
      }
      int fd;
      try {
        fd = (int) descriptor.invoke(entry.channel);
      } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
        return;
      }
      int duplicate = LibC.fcntl(fd, F_DUPFD_CLOEXEC, 0);
      if (duplicate < 0) {
        // Out of descriptors, most likely: this request goes unwatched, as before.
        return;
      }
      if (!entry.channel.isOpen()) {
        // Closed while the number was read and duplicated: it may have named another file.
        LibC.close(duplicate);
        return;
      }
      ctlEvent.setInt(0, EPOLLRDHUP | EPOLLHUP | EPOLLERR);
      ctlEvent.setLong(EVENT_DATA_OFFSET, entry.id);
      registered.put(entry.id, entry);
      if (LibC.epoll_ctl(epollFd, LibC.EPOLL_CTL_ADD, duplicate, ctlEvent) != 0) {
        registered.remove(entry.id);
        LibC.close(duplicate);
        return;
      }
      entry.duplicate = duplicate;
    }
  }

  private static void hungUp(Entry entry) {
    // Under the entry's lock, so that once end() has returned the callback has either run or
    // never will (the lock is reentrant, for a callback that ends its own watch).
    synchronized (entry) {
      if (entry.over) {
        return;
      }
      entry.over = true;
      entry.unregister();
      try {
        entry.onHangup.run();
      } catch (RuntimeException e) {
        LOG.warn("acting on a client that left failed", e);
      }
    }
  }

  /**
   * Stops the watcher; watches still running end without their callbacks. A second call (a drain
   * and then the shutdown hook) does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping = true;
    LibC.eventfd_write(wakeFd, 1);
    try {
      thread.join(PERIOD_MILLIS * 5L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Entry entry : registered.values()) {
      entry.end();
    }
    pending.clear();
    if (!thread.isAlive()) {
      LibC.close(wakeFd);
      LibC.close(epollFd);
    }
  }
}
