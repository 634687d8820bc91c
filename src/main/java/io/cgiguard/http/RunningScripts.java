package io.cgiguard.http;

import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.observe.RunningScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The script processes running now, for the dashboard: each is added when spawned, moves through
 * its states as the request goes on, and is removed when closed. CPU time is read from
 * {@code /proc/<pid>/stat} when the dashboard asks, never on the request path.
 */
final class RunningScripts {

  /** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final ConcurrentMap<ScriptProcess, Entry> entries = new ConcurrentHashMap<>();

  void spawned(String script, ScriptProcess process) {
    entries.put(process, new Entry(script, process.pid(), System.nanoTime()));
  }

  void moved(ScriptProcess process, RunningScript.State state) {
    Entry entry = entries.get(process);
    if (entry != null) {
      entry.state = state;
    }
  }

  void closed(ScriptProcess process) {
    entries.remove(process);
  }

  /** @return every process running now, oldest first */
  List<RunningScript> now() {
    long now = System.nanoTime();
    List<RunningScript> running = new ArrayList<>();
    entries.forEach((process, entry) -> {
      RunningScript.State state = entry.state;
      // A script relaying its body that has exited is kept alive only by what it left behind.
      if (state == RunningScript.State.STREAMING && process.termination().isPresent()) {
        state = RunningScript.State.LINGERING;
      }
      running.add(new RunningScript(entry.pid, entry.script,
          Duration.ofNanos(now - entry.startedNanos), cpu(entry.pid), state));
    });
    running.sort(Comparator.comparing(RunningScript::age).reversed());
    return running;
  }

  /** @return user plus system time of {@code pid} and its reaped children; zero if unknown */
  static Duration cpu(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
          StandardCharsets.US_ASCII);
      // The command name is in parentheses and may hold spaces; the fields follow its end.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = 0;
      for (int i = 11; i <= 14; i++) {
        ticks += Long.parseLong(fields[i]);
      }
      return Duration.ofNanos(ticks * NANOS_PER_TICK);
    } catch (IOException | RuntimeException e) {
      // Gone since it was listed, or not Linux: nothing to show.
      return Duration.ZERO;
    }
  }

  private static final class Entry {
    final String script;
    final long pid;
    final long startedNanos;
    volatile RunningScript.State state = RunningScript.State.STARTING;

    Entry(String script, long pid, long startedNanos) {
      this.script = script;
      this.pid = pid;
      this.startedNanos = startedNanos;
    }
  }
}
