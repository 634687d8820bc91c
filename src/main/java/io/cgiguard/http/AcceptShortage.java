package io.cgiguard.http;

import io.cgiguard.capacity.Capacity;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's episodes of {@code accept(2)} failing because no file descriptor is left. Jetty's
 * own answer to such a failure is a stack trace and a pause of a second, for every try, as long
 * as the shortage lasts. Here an episode ({@link DescriptorShortage}) is one line when it starts,
 * naming the limit, and one when the listener accepts again, with how long it lasted and how many
 * connections were answered 503 meanwhile ({@link GuardedConnector}); between tries the acceptor
 * pauses {@link #PAUSE}.
 */
final class AcceptShortage {

  private static final Logger LOG = LoggerFactory.getLogger(AcceptShortage.class);

  /** How long an acceptor waits before it tries again while no descriptor is free. */
  static final Duration PAUSE = Duration.ofMillis(100);

  private final Supplier<String> listener;
  private final DescriptorShortage episode = new DescriptorShortage();

  /** @param listener names the listener in the log, such as "http 127.0.0.1:8080" */
  AcceptShortage(Supplier<String> listener) {
    this.listener = listener;
  }

  /**
   * An accept failed for lack of descriptors, with {@code errno} as {@link
   * DescriptorShortage#errno} named it. The first failure of an episode is logged, naming the
   * limit; the caller then {@link #pause}s or answers the connection.
   */
  void failed(String errno) {
    if (episode.failed()) {
      LOG.warn("{}: accept fails with {}: {}; new connections are answered 503 where the "
          + "listener can, and otherwise wait in its queue until a descriptor is free",
          listener.get(), errno, Capacity.descriptors(errno, "a new connection"));
    }
  }

  /** A connection that could not be accepted the usual way was answered 503. */
  void answered() {
    episode.answered();
  }

  /** A connection was accepted, which ends an episode that ran once no accept fails for a while. */
  void accepted() {
    Optional<DescriptorShortage.Ended> ended = episode.succeeded();
    if (ended.isPresent()) {
      LOG.info("{}: accepting connections again; descriptors ran out for {} ms ({} failed "
          + "accepts, {} connections answered 503)", listener.get(), ended.get().millis(),
          ended.get().failures(), ended.get().answered());
    }
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
}
