package io.cgiguard.admission;

import java.time.Duration;
import java.util.Objects;

/** The {@link Bulkhead}'s answer to a request for a slot to run a script. */
public sealed interface Slot {

  /** A slot was granted; close the permit when the script's process is gone. */
  record Admitted(Permit permit) implements Slot {
    public Admitted {
      Objects.requireNonNull(permit, "permit");
    }
  }

  /**
   * No slot: answer 503 with {@code Retry-After}.
   *
   * @param reason why, for logs and the page
   * @param retryAfter how long the client should wait before trying again
   */
  record Rejected(String reason, Duration retryAfter) implements Slot {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }

  /**
   * The right to run one script process. Closing it gives back both the global and the
   * per-script slot; closing it again does nothing.
   */
  interface Permit extends AutoCloseable {
    /** @return the script key the permit was granted for */
    String scriptKey();

    @Override
    void close();
  }
}
