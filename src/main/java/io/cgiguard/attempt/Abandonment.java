package io.cgiguard.attempt;

import io.cgiguard.launch.ScriptProcess;

/**
 * Whether the client (or the front server speaking for it) gave up on a request, and the script
 * to stop when it does. The HTTP layer calls {@link #abandon()} from the connection's failure; the
 * attempt loop and the relay {@link #watch} the script that serves the request at that moment, so
 * an abandoned request never leaves a script running to its timeout.
 */
public final class Abandonment {

  private volatile boolean abandoned;
  private volatile ScriptProcess watched;
  private volatile Runnable leaveQueue;

  /**
   * The request is abandoned: the watched script's group is killed, now or once it is watched, and
   * a request waiting for a slot leaves the queue.
   */
  public void abandon() {
    abandoned = true;
    Runnable leave = leaveQueue;
    if (leave != null) {
      leave.run();
    }
    ScriptProcess process = watched;
    if (process != null) {
      process.stop();
    }
  }

  /** @return whether the request was abandoned */
  public boolean abandoned() {
    return abandoned;
  }

  /** {@code process} serves the request now; it is killed if the request is or becomes abandoned. */
  public void watch(ScriptProcess process) {
    watched = process;
    if (abandoned) {
      process.stop();
    }
  }

  /**
   * The request waits for a slot without a thread; {@code leave} takes it out of the queue, now if
   * it is already abandoned. Leaving after the slot came does nothing.
   */
  public void whileQueued(Runnable leave) {
    leaveQueue = leave;
    if (abandoned) {
      leave.run();
    }
  }

  /** The request's wait for a slot is over. */
  public void dequeued() {
    leaveQueue = null;
  }

  /** The watched process is about to be closed: no signal may reach it after this. */
  public void release() {
    watched = null;
  }
}
