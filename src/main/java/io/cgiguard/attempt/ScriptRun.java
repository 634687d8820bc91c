package io.cgiguard.attempt;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The facts of one attempt that do not depend on how it ended: which script, with which argv, for
 * how long, and what it wrote to stderr. The attempt loop hands it to the {@link Classifier} along
 * with what it observed on stdout.
 *
 * @param scriptPath the script's file (SCRIPT_FILENAME)
 * @param argv the argv the launcher was given
 * @param stderrTail the last bytes the script wrote to stderr (empty when it never ran)
 * @param wallTime from spawn until the gateway stopped waiting for the header block
 */
public record ScriptRun(
    String scriptPath, List<String> argv, byte[] stderrTail, Duration wallTime) {

  public ScriptRun {
    Objects.requireNonNull(scriptPath, "scriptPath");
    argv = List.copyOf(argv);
    stderrTail = stderrTail == null ? new byte[0] : stderrTail.clone();
    Objects.requireNonNull(wallTime, "wallTime");
  }

  @Override
  public byte[] stderrTail() {
    return stderrTail.clone();
  }
}
