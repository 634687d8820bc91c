package io.cgiguard.http;

import io.cgiguard.capacity.Capacity;
import io.cgiguard.launch.common.Errno;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Episodes of no file descriptor being left ({@code EMFILE}: the gateway's RLIMIT_NOFILE; {@code
 * ENFILE}: the machine's fs.file-max), as one part of the gateway meets them: a listener's
 * accepts ({@link AcceptShortage}) or the static files ({@link StaticFiles}). An episode starts
 * with its first failure and is over when something succeeds after {@link #QUIET} without one:
 * under a shortage descriptors come and go, and one free for a moment ends nothing. Its owner
 * logs one line when an episode starts and one when it is over, instead of one per failure.
 */
final class DescriptorShortage {

  /** How long nothing must fail before an episode is over. */
  static final Duration QUIET = Duration.ofSeconds(1);

  /** An episode that is over: from its first failure to its last, and what was counted. */
  record Ended(long millis, long failures, long answered) {}

  private volatile boolean active;
  private long startedNanos;
  private long lastFailureNanos;
  private long failures;
  private long answered;

  /**
   * Runs the code a shortage needs once, ahead of it: a class that is not loaded yet cannot be
   * read from a class directory without a free descriptor (a jar's file stays open, a directory's
   * class files do not), and the first failure of an episode would end in {@code
   * NoClassDefFoundError} instead of its 503.
   */
  static void loadAhead() {
    errno(new IOException("Too many open files"));
    Capacity.descriptors("EMFILE", "a new connection");
    DescriptorShortage episode = new DescriptorShortage();
    episode.failed(0);
    episode.answered();
    episode.succeeded(QUIET.toNanos());
  }

  /** @return the errno name when {@code failure} is a full descriptor table, else empty */
  static Optional<String> errno(Throwable failure) {
    OptionalInt errno = Errno.descriptorShortage(failure);
    return errno.isPresent() ? Optional.of(Errno.name(errno.getAsInt())) : Optional.empty();
  }

  /** @return whether this failure starts an episode, which the caller then logs */
  boolean failed() {
    return failed(System.nanoTime());
  }

  synchronized boolean failed(long nowNanos) {
    boolean started = !active;
    if (started) {
      active = true;
      startedNanos = nowNanos;
      failures = 0;
      answered = 0;
    }
    failures++;
    lastFailureNanos = nowNanos;
    return started;
  }

  /** What failed was answered 503 all the same. */
  synchronized void answered() {
    answered++;
  }

  /** @return the episode this success ends, which the caller then logs; empty if it ends none */
  Optional<Ended> succeeded() {
    return active ? succeeded(System.nanoTime()) : Optional.empty();
  }

  synchronized Optional<Ended> succeeded(long nowNanos) {
    if (!active || nowNanos - lastFailureNanos < QUIET.toNanos()) {
      return Optional.empty();
    }
    active = false;
    return Optional.of(new Ended(
        TimeUnit.NANOSECONDS.toMillis(lastFailureNanos - startedNanos), failures, answered));
  }
}
