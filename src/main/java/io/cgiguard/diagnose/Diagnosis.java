package io.cgiguard.diagnose;

import java.util.Objects;

/**
 * The most likely {@link Cause} of a failure, with the specifics of this case filled in.
 *
 * @param cause the cause from the table
 * @param detail what in this case points to it, such as "the #! line names `perl\r`"
 */
public record Diagnosis(Cause cause, String detail) {
  public Diagnosis {
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(detail, "detail");
  }
}
