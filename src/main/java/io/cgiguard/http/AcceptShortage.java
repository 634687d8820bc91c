package io.cgiguard.http;

import io.cgiguard.capacity.Capacity;
import io.cgiguard.launch.common.Errno;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's episodes of {@code accept(2)} failing because no file descriptor is left ({@code
 * EMFILE}: the gateway's RLIMIT_NOFILE; {@code ENFILE}: the machine's fs.file-max). Jetty's own
 * answer to such a failure is a stack trace and a pause of a second, for every try, as long as
 * the shortage lasts. Here an episode is one line when it starts, naming the limit, and one when
 * the listener accepts again, with how long it lasted and how many connections were answered
 * 503 meanwhile ({@link GuardedConnector}); between tries the acceptor pauses {@link #PAUSE}.
 */
final class AcceptShortage {

  private static final Logger LOG = LoggerFactory.getLogger(AcceptShortage.class);

  /** How long an acceptor waits before it tries again while no descriptor is free. */
  static final Duration PAUSE = Duration.ofMillis(100);

  /** How long accepts must succeed without a failure before an episode is over. */
  static final Duration QUIET = Duration.ofSeconds(1);

  private final Supplier<String> listener;
  private volatile boolean active;
  private long startedNanos;
  private long lastFailureNanos;
  private long failures;
  private long answered;

  /** @param listener names the listener in the log, such as "http 127.0.0.1:8080" */
  AcceptShortage(Supplier<String> listener) {
    this.listener = listener;
  }

  /**
   * Runs the code a shortage needs once, ahead of it: a class that is not loaded yet cannot be
   * read from a class directory without a free descriptor (a jar's file stays open, a directory's
   * class files do not), and the first request of an episode would fail with {@code
   * NoClassDefFoundError} instead of its 503.
   */
  static void loadAhead() {
    errno(new IOException("Too many open files"));
    cause("EMFILE");
  }

  /** @return the errno name when {@code failure} is a full descriptor table, else empty */
  static Optional<String> errno(Throwable failure) {
    OptionalInt errno = Errno.descriptorShortage(failure);
    return errno.isPresent() ? Optional.of(Errno.name(errno.getAsInt()))
        : Optional.empty();
  }

  /**
   * An accept failed for lack of descriptors, with {@code errno} as {@link #errno} named it. The
   * first failure of an episode is logged, naming the limit; the caller then {@link #pause}s or
   * answers the connection.
   */
  void failed(String errno) {
    boolean started;
    synchronized (this) {
      started = !active;
      if (started) {
        active = true;
        startedNanos = System.nanoTime();
        failures = 0;
        answered = 0;
      }
      failures++;
      lastFailureNanos = System.nanoTime();
    }
    if (started) {
      LOG.warn("{}: accept fails with {}: {}; new connections are answered 503 where the "
          + "listener can, and otherwise wait in its queue until a descriptor is free",
          listener.get(), errno, cause(errno));
    }
  }

  /** A connection that could not be accepted the usual way was answered 503. */
  synchronized void answered() {
    answered++;
  }

  /**
   * A connection was accepted. An episode that ran is over once no accept has failed for {@link
   * #QUIET}: under a shortage, descriptors come and go, and one free for a moment ends nothing.
   */
  void accepted() {
    if (!active) {
      return;
    }
    long millis;
    long failed;
    long refused;
    synchronized (this) {
      if (!active || System.nanoTime() - lastFailureNanos < QUIET.toNanos()) {
        return;
      }
      active = false;
      millis = TimeUnit.NANOSECONDS.toMillis(lastFailureNanos - startedNanos);
      failed = failures;
      refused = answered;
    }
    LOG.info("{}: accepting connections again; descriptors ran out for {} ms ({} failed accepts, "
        + "{} connections answered 503)", listener.get(), millis, failed, refused);
  }

  /** @return false when interrupted while pausing, which stops the acceptor as Jetty would */
  boolean pause() {
    try {
      Thread.sleep(PAUSE.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** @return the sentence naming the limit a new connection met */
  private static String cause(String errno) {
    return Capacity.descriptors(errno, "a new connection");
  }
}
