package io.cgiguard.attempt;

import io.cgiguard.launch.ScriptProcess;

/** Told about every attempt as it ends, for metrics and logs. Must not block. */
@FunctionalInterface
public interface AttemptListener {

  /** An attempt of {@code scriptKey}'s script ended as {@code attempt} says. */
  void attempted(String scriptKey, Attempt attempt);

  /** A process of {@code scriptKey}'s script was spawned; it runs until {@link #closed}. */
  default void spawned(String scriptKey, ScriptProcess process) {}

  /** {@code process} wrote its first bytes to stdout. */
  default void firstOutput(ScriptProcess process) {}

  /** {@code process} was closed by the guard because its attempt failed. */
  default void closed(ScriptProcess process) {}

  AttemptListener NONE = (scriptKey, attempt) -> {};
}
