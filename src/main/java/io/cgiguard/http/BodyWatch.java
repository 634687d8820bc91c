package io.cgiguard.http;

import io.cgiguard.attempt.Watchdog;
import io.cgiguard.launch.ScriptProcess;
import java.time.Duration;

/**
 * Watches a script while its body is relayed, and ends it by killing its process group when it
 * goes quiet for the body idle timeout, runs past the total run time, or has exited while
 * something it started still holds stdout open for longer than the linger time. Killing the group
 * closes stdout, which ends the relay's read; the relay then asks {@link #why()}. The checks run
 * on the gateway's one {@link Watchdog}, the one that also times the header blocks, so a limit
 * fires at most one of its periods late.
 */
final class BodyWatch implements AutoCloseable {

  private final ScriptProcess process;
  private final long idleNanos;
  private final long deadlineNanos;
  private final long lingerNanos;
  private final Watchdog.Registration tick;
  private volatile long lastOutputNanos = System.nanoTime();
  private volatile long exitSeenNanos;
  private volatile String why;

  BodyWatch(ScriptProcess process, Watchdog watchdog, Duration idle,
      Duration remainingTotal, Duration linger) {
    this.process = process;
    this.idleNanos = idle.toNanos();
    this.deadlineNanos = System.nanoTime() + remainingTotal.toNanos();
    this.lingerNanos = linger.toNanos();
    this.tick = watchdog.watch(this::check);
  }

  /** The script wrote something. */
  void output() {
    lastOutputNanos = System.nanoTime();
  }

  /** @return why the watch killed the script, or null when it did not */
  String why() {
    return why;
  }

  /** @return whether the watch ended the script because it stalled (not for lingering) */
  boolean stalled() {
    String reason = why;
    return reason != null && !reason.startsWith("linger");
  }

  private void check(long now) {
    if (why != null) {
      return;
    }
    if (now - deadlineNanos >= 0) {
      end("the script ran past its total run time");
    } else if (now - lastOutputNanos >= idleNanos) {
      end("the script wrote nothing for " + Duration.ofNanos(idleNanos).toSeconds() + " s");
    } else if (process.termination().isPresent()) {
      if (exitSeenNanos == 0) {
        exitSeenNanos = now;
      } else if (now - exitSeenNanos >= lingerNanos) {
        end("linger: the script exited but a process it started still held stdout open");
      }
    }
  }

  private void end(String reason) {
    why = reason;
    // Killing the group ends stdout, unless a process that left the group holds it: stop()
    // closes the gateway's end too, so the relay's read returns either way.
    process.stop();
  }

  @Override
  public void close() {
    tick.close();
  }
}
