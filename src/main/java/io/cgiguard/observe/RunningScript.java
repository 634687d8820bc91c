package io.cgiguard.observe;

import java.time.Duration;
import java.util.Objects;

/**
 * One script process running now, as the dashboard lists it.
 *
 * @param pid its process id
 * @param script the script's name
 * @param age since it was spawned
 * @param cpu CPU time it and its reaped children used so far; zero when the system does not say
 * @param state where in the request it is
 */
public record RunningScript(long pid, String script, Duration age, Duration cpu, State state) {

  public RunningScript {
    Objects.requireNonNull(script, "script");
    Objects.requireNonNull(age, "age");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(state, "state");
  }

  /** Where a running script is in its request. */
  public enum State {
    /** Spawned; nothing on stdout yet. */
    STARTING("starting"),
    /** Its header block is arriving. */
    READING_HEADERS("reading headers"),
    /** Its headers went to the client; its body is being relayed. */
    STREAMING("streaming"),
    /** It exited, but a process it started still holds stdout open. */
    LINGERING("lingering");

    private final String label;

    State(String label) {
      this.label = label;
    }

    /** @return the state as the dashboard shows it */
    public String label() {
      return label;
    }
  }
}
