package io.cgiguard.cli;

import io.cgiguard.attempt.Attempt;
import io.cgiguard.attempt.Outcome;
import io.cgiguard.cgi.HeaderField;
import io.cgiguard.cgi.ResponseHead;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.Evidence;
import io.cgiguard.failure.Failure;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ScriptProcess;
import io.cgiguard.launch.Termination;
import io.cgiguard.launch.posix.Privileges;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** What {@code cgiguard run} prints: the response, or the failure with its evidence and cause. */
final class RunReport {

  private final PrintStream out;

  RunReport(PrintStream out) {
    this.out = out;
  }

  void command(List<String> argv) {
    out.println("command:  " + String.join(" ", argv));
  }

  /** Names the user the script ran as when it is not simply the one who typed the command. */
  void user(Privileges.Outcome outcome) {
    if (outcome instanceof Privileges.Outcome.Dropped d) {
      out.println("user:     " + d.user() + " (uid " + d.uid() + ", gid " + d.gid()
          + "): started as root, run drops to [server] run-as as serve does");
    } else if (outcome instanceof Privileges.Outcome.KeptRoot) {
      out.println("user:     root ([server] run-as = \"root\")");
    }
  }

  int relayed(Outcome.Relay relay, boolean headOnly) throws IOException, InterruptedException {
    ResponseHead head = relay.block().head();
    out.println("outcome:  ok after " + relay.history().count() + " attempt(s)");
    out.println();
    out.println("Status: " + head.status() + (head.reason().isEmpty() ? "" : " " + head.reason()));
    for (HeaderField field : head.fields()) {
      out.println(field.name() + ": " + field.value());
    }
    out.println();
    long bytes = 0;
    try (ScriptProcess process = relay.process()) {
      if (!headOnly) {
        out.write(relay.block().bodyStart());
        bytes = relay.block().bodyStart().length + copy(process.stdout());
      }
      out.flush();
      Optional<Termination> end = process.awaitTermination(java.time.Duration.ofSeconds(5));
      System.err.println("cgiguard: " + bytes + " body bytes; script " + end.map(t -> exit(t))
          .orElse("still running, killed"));
    } finally {
      relay.ticket().finish(true);
    }
    return 0;
  }

  int failed(Outcome.Failed failed, Optional<Diagnosis> diagnosis) {
    Failure failure = failed.failure();
    out.println("outcome:  " + failure.kind().label() + " (the gateway would answer "
        + failure.kind().status() + ") after " + failed.history().count() + " attempt(s)");
    for (Attempt attempt : failed.history().attempts()) {
      out.println("attempt " + attempt.number() + ": " + attempt.failure()
          .map(f -> f.kind().label() + " - " + f.summary()).orElse("ok") + " ("
          + attempt.elapsed().toMillis() + " ms)");
    }
    Evidence evidence = failure.evidence();
    evidence.termination().ifPresent(t -> out.println("exit:     " + exit(t)));
    evidence.spawnError().ifPresent(e -> out.println("spawn:    " + e.errnoName() + " - "
        + e.message()));
    diagnosis.ifPresent(d -> {
      out.println("cause:    " + d.cause().title());
      out.println("detail:   " + d.detail());
      out.println("fix:      " + d.cause().fix());
    });
    section("header bytes that arrived", evidence.headerText());
    section("stderr (last bytes)", evidence.stderrText());
    return 1;
  }

  int refused(Outcome.Refused refused) {
    out.println("outcome:  " + refused.kind().label() + " - " + refused.reason());
    return 1;
  }

  private void section(String title, String text) {
    if (text.isEmpty()) {
      return;
    }
    out.println(title + ":");
    for (String line : text.split("\n", -1)) {
      out.println("  | " + line);
    }
  }

  private long copy(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
      total += n;
    }
    return total;
  }

  static String exit(Termination t) {
    String how = t.status() instanceof ExitStatus.Exited e ? "exited with code " + e.code()
        : "killed by " + ScriptProcess.Signals.name(((ExitStatus.Signaled) t.status()).signal());
    return how + ", " + t.wallTime().toMillis() + " ms"
        + t.cpuTime().map(c -> ", CPU " + c.toMillis() + " ms").orElse("")
        + t.peakRssBytes().map(r -> ", peak RSS " + (r >> 10) + " KiB").orElse("");

  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
