package io.cgiguard.load;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the user calls a success besides "not a known failure".
 *
 * @param statuses the accepted status codes; empty means any status below 400
 * @param body a pattern the body must contain ({@code find}, not {@code matches}), if any
 */
public record Expectations(Set<Integer> statuses, Optional<Pattern> body) {

  /** Any status below 400, any body. */
  public static final Expectations ANY = new Expectations(Set.of(), Optional.empty());

  public Expectations {
    statuses = Set.copyOf(statuses);
  }

  /** @return whether {@code status} is acceptable */
  public boolean accepts(int status) {
    return statuses.isEmpty() ? status < 400 : statuses.contains(status);
  }
}
