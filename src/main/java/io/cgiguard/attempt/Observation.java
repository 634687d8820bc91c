package io.cgiguard.attempt;

import io.cgiguard.cgi.HeaderBlock;
import io.cgiguard.launch.SpawnError;
import io.cgiguard.launch.Termination;
import java.util.Objects;
import java.util.Optional;

/**
 * What the attempt loop saw when it stopped waiting for a script's response header block: the
 * input of the {@link Classifier}.
 */
public sealed interface Observation {

  /**
   * The header parser reached a verdict: complete, or one of the ways a block fails.
   *
   * @param block the parser's result
   * @param termination the script's termination if it had already been reaped; empty while it
   *     still runs (for example when it closed stdout but lives on)
   */
  record HeadersRead(HeaderBlock block, Optional<Termination> termination) implements Observation {
    public HeadersRead {
      Objects.requireNonNull(block, "block");
      Objects.requireNonNull(termination, "termination");
    }
  }

  /**
   * The header timeout fired before the block was complete.
   *
   * @param received the header bytes that had arrived by then
   * @param termination the termination, if the script was reaped after the gateway killed it
   */
  record HeaderTimedOut(byte[] received, Optional<Termination> termination)
      implements Observation {
    public HeaderTimedOut {
      received = received == null ? new byte[0] : received.clone();
      Objects.requireNonNull(termination, "termination");
    }

    @Override
    public byte[] received() {
      return received.clone();
    }
  }

  /** The program never ran. */
  record SpawnFailed(SpawnError error) implements Observation {
    public SpawnFailed {
      Objects.requireNonNull(error, "error");
    }
  }
}
