package io.cgiguard.attempt;

import io.cgiguard.cgi.HeaderBlock;
import io.cgiguard.failure.Failure;
import java.util.Objects;

/** The {@link Classifier}'s answer for one attempt: a relayable header block, or one failure. */
public sealed interface Verdict {

  /** The script produced a complete header block; the response can be relayed. */
  record Success(HeaderBlock.Complete block) implements Verdict {
    public Success {
      Objects.requireNonNull(block, "block");
    }
  }

  /** The attempt failed before a complete header block. */
  record Failed(Failure failure) implements Verdict {
    public Failed {
      Objects.requireNonNull(failure, "failure");
    }
  }
}
