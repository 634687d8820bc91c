package io.cgiguard.launch;

/** The result of {@link Launcher#launch}: a started process, or the reason it could not start. */
public sealed interface Launch {

  /** The program runs; the caller owns the process and must {@link ScriptProcess#close()} it. */
  record Started(ScriptProcess process) implements Launch {}

  /** The program never ran. */
  record Failed(SpawnError error) implements Launch {}
}
