package io.cgiguard.attempt;

import io.cgiguard.admission.RequestBody;
import io.cgiguard.cgi.HeaderBlock;
import io.cgiguard.cgi.HeaderBlockReader;
import io.cgiguard.launch.ScriptProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one attempt's header block: the body goes to stdin on a pump thread, stdout is fed to the
 * {@link HeaderBlockReader} until it decides, and the {@link Watchdog} ends the wait at the header
 * timeout by terminating the script's process group (whose death closes stdout and so ends the
 * read).
 *
 * <p>EOF is never taken for the blank line: a script that dies mid-headers is an incomplete block.
 */
final class HeaderReading {

  private static final Logger LOG = LoggerFactory.getLogger(HeaderReading.class);
  /** How long a script that closed stdout gets to be reaped, so that its exit can be named. */
  private static final Duration EXIT_GRACE = Duration.ofMillis(500);
  /**
   * One read buffer per thread that reads headers, kept between requests: a new 16 KiB array per
   * request was about a third of everything a request allocated. The reader copies what it
   * keeps, so the buffer is free again as soon as {@link #readBlock} returns.
   */
  private static final ThreadLocal<byte[]> READ_BUFFER =
      ThreadLocal.withInitial(() -> new byte[16 * 1024]);

  private final ScriptProcess process;
  private final AttemptPlan plan;
  private final Watchdog watchdog;
  private final ExecutorService pumps;
  private final Runnable firstOutput;
  private volatile boolean timedOut;
  /** When the header timeout ends: from the spawn, pushed on by each part of the body taken. */
  private volatile long deadline;

  /** @param firstOutput told once, when the first bytes arrive on stdout */
  HeaderReading(ScriptProcess process, AttemptPlan plan, Watchdog watchdog,
      ExecutorService pumps, Runnable firstOutput) {
    this.process = process;
    this.plan = plan;
    this.watchdog = watchdog;
    this.pumps = pumps;
    this.firstOutput = firstOutput;
  }

  @SuppressWarnings("try") // the registration only has to end with the block: closing it stops the watch
  Observation read() throws InterruptedException {
    deadline = System.nanoTime() + plan.headerTimeout().toNanos();
    feedStdin();
    HeaderBlockReader reader = new HeaderBlockReader(plan.maxHeaderBytes(), plan.nph());
    HeaderBlock block;
    try (Watchdog.Registration timer = watchdog.watch(now -> {
      if (!timedOut && now - deadline >= 0) {
        expire();
      }
    })) {
      block = readBlock(reader, process.stdout());
    }
    if (timedOut) {
      return new Observation.HeaderTimedOut(block.received(), settle());
    }
    if (block instanceof HeaderBlock.Complete) {
      return new Observation.HeadersRead(block, process.termination());
    }
    if (!(block instanceof HeaderBlock.Incomplete)) {
      // Malformed or too large: the script may still be writing; stop it before naming it.
      process.signalGroup(ScriptProcess.Signals.SIGKILL);
    }
    return new Observation.HeadersRead(block, settle());
  }

  private HeaderBlock readBlock(HeaderBlockReader reader, InputStream stdout) {
    byte[] buffer = READ_BUFFER.get();
    boolean first = true;
    try {
      while (true) {
        int n = stdout.read(buffer);
        if (n < 0) {
          return reader.endOfStream();
        }
        if (first && n > 0) {
          first = false;
          firstOutput.run();
        }
        HeaderBlock decided = reader.offer(buffer, 0, n);
        if (decided != null) {
          return decided;
        }
      }
    } catch (IOException e) {
      // The script's pipe broke (or the timer closed it): what arrived so far is all there is.
      LOG.debug("stdout of pid {} failed while reading headers", process.pid(), e);
      return reader.endOfStream();
    }
  }

  private Optional<io.cgiguard.launch.Termination> settle() throws InterruptedException {
    Optional<io.cgiguard.launch.Termination> ended = process.awaitTermination(EXIT_GRACE);
    if (ended.isEmpty() && timedOut) {
      return process.awaitTermination(plan.killGrace().plusSeconds(1));
    }
    return ended;
  }

  private void expire() {
    timedOut = true;
    process.terminateGroup(plan.killGrace());
  }

  private void feedStdin() {
    OutputStream stdin = process.stdin();
    if (plan.body().replay() == RequestBody.NONE) {
      closeQuietly(stdin);
      return;
    }
    long timeout = plan.headerTimeout().toNanos();
    OutputStream watched = new BodyProgress(stdin, () -> deadline = System.nanoTime() + timeout);
    pumps.execute(() -> {
      try (watched) {
        plan.body().writeTo(watched);
      } catch (IOException e) {
        // The request side failed (client gone, body too large): the script must not go on with
        // half a body as if it were whole.
        LOG.debug("request body for pid {} failed", process.pid(), e);
        process.signalGroup(ScriptProcess.Signals.SIGKILL);
      } catch (RuntimeException e) {
        // Not expected of the body's source; the same holds, and the pump's thread lives on.
        LOG.warn("request body for pid {} failed", process.pid(), e);
        process.signalGroup(ScriptProcess.Signals.SIGKILL);
      }
    });
  }

  private static void closeQuietly(OutputStream stream) {
    try {
      stream.close();
    } catch (IOException ignored) {
      // The script may have exited already; its stdin is gone either way.
    }
  }
}
