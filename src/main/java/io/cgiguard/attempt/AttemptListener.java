package io.cgiguard.attempt;

/** Told about every attempt as it ends, for metrics and logs. Must not block. */
@FunctionalInterface
public interface AttemptListener {

  /** An attempt of {@code scriptKey}'s script ended as {@code attempt} says. */
  void attempted(String scriptKey, Attempt attempt);

  AttemptListener NONE = (scriptKey, attempt) -> {};
}
