package io.cgiguard.launch;

import static io.cgiguard.launch.Fixtures.ENVIRONMENT;
import static io.cgiguard.launch.Fixtures.awaitTermination;
import static io.cgiguard.launch.Fixtures.readAll;
import static io.cgiguard.launch.Fixtures.script;
import static io.cgiguard.launch.Fixtures.spec;
import static io.cgiguard.launch.Fixtures.started;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every launcher must do the same way, run against each launcher this machine has. */
@Timeout(60)
class LauncherContractTest {

  static java.util.stream.Stream<org.junit.jupiter.api.Named<Supplier<Launcher>>> launchers() {
    return LauncherKinds.all();
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void copiesStdinToStdout(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get();
        ScriptProcess process = started(launcher, spec(script("processes/echo-stdin.sh")))) {
      byte[] body = "line one\nline two\u00e9\n".repeat(1000).getBytes(UTF_8);
      try (OutputStream stdin = process.stdin()) {
        stdin.write(body);
      }
      assertThat(readAll(process.stdout())).isEqualTo(body);
      assertThat(awaitTermination(process).status()).isEqualTo(new ExitStatus.Exited(0));
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void childEnvironmentIsExactlyTheSpec(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get();
        ScriptProcess process = started(launcher, spec(script("processes/print-environment.pl")))) {
      process.stdin().close();
      Map<String, String> seen = new HashMap<>();
      for (String entry : new String(readAll(process.stdout()), UTF_8).split("\0")) {
        int eq = entry.indexOf('=');
        seen.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
      assertThat(seen).isEqualTo(ENVIRONMENT);
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void runsInTheSpecWorkingDirectory(Supplier<Launcher> kind) throws Exception {
    Path directory = TestScripts.path("processes").toRealPath();
    LaunchSpec base = spec(script("processes/print-working-directory.sh"));
    LaunchSpec spec =
        new LaunchSpec(base.argv(), base.environment(), directory, base.limits(),
            base.stderrSink(), 0);
    try (Launcher launcher = kind.get(); ScriptProcess process = started(launcher, spec)) {
      assertThat(new String(readAll(process.stdout()), UTF_8).trim())
          .isEqualTo(directory.toString());
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void reportsTheExitCode(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get();
        ScriptProcess process = started(launcher, spec(script("processes/exit-42.sh")))) {
      Termination termination = awaitTermination(process);
      assertThat(termination.status()).isEqualTo(new ExitStatus.Exited(42));
      assertThat(termination.signalSentByGateway()).isEmpty();
      assertThat(process.termination()).contains(termination);
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void reportsDeathBySignal(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get();
        ScriptProcess process = started(launcher, spec(script("before-headers/segfault.sh")))) {
      ExitStatus status = awaitTermination(process).status();
      assertThat(status).isInstanceOf(ExitStatus.Signaled.class);
      assertThat(((ExitStatus.Signaled) status).signal()).isEqualTo(ScriptProcess.Signals.SIGSEGV);
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void aClosedLauncherStartsNothingAndSaysWhy(Supplier<Launcher> kind) {
    Launcher launcher = kind.get();
    launcher.close();
    launcher.close();

    Launch launch = launcher.launch(spec(script("processes/exit-42.sh")));

    assertThat(launch).isInstanceOf(Launch.Failed.class);
    SpawnError error = ((Launch.Failed) launch).error();
    assertThat(error.errnoName()).isEqualTo("ECANCELED");
    assertThat(error.message()).contains("the gateway is stopping");
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void missingProgramFailsWithEnoent(Supplier<Launcher> kind) {
    try (Launcher launcher = kind.get()) {
      Launch launch = launcher.launch(spec(script("no-such-script.sh")));
      assertThat(launch).isInstanceOf(Launch.Failed.class);
      SpawnError error = ((Launch.Failed) launch).error();
      assertThat(error.errno()).isEqualTo(2);
      assertThat(error.errnoName()).isEqualTo("ENOENT");
      assertThat(error.message()).contains("no-such-script.sh");
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void bareNameIsSearchedOnTheSpecPathNotTheGateways(Supplier<Launcher> kind) throws Exception {
    Map<String, String> environment = Map.of("PATH", TestScripts.path("processes").toString());
    try (Launcher launcher = kind.get()) {
      LaunchSpec onSpecPath = withEnvironment(spec("exit-42.sh"), environment);
      try (ScriptProcess process = started(launcher, onSpecPath)) {
        assertThat(awaitTermination(process).status()).isEqualTo(new ExitStatus.Exited(42));
      }
      Launch onlyOnGatewayPath = launcher.launch(withEnvironment(spec("true"), environment));
      assertThat(onlyOnGatewayPath).isInstanceOf(Launch.Failed.class);
      assertThat(((Launch.Failed) onlyOnGatewayPath).error().errnoName()).isEqualTo("ENOENT");
    }
  }

  /**
   * A program found on the PATH is remembered for a second (ProgramCache): one that moves is found
   * again at its new place at the latest on the start after the one that failed for it, however
   * soon that start comes.
   */
  @ParameterizedTest
  @MethodSource("launchers")
  void aProgramThatMovedOnThePathIsFoundAgainAfterTheStartThatFailed(Supplier<Launcher> kind,
      @TempDir Path temp) throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path first = Files.createDirectory(temp.resolve("first"));
    Path second = Files.createDirectory(temp.resolve("second"));
    Path moved = Files.copy(TestScripts.path("processes/exit-42.sh"), first.resolve("tool"));
    LaunchSpec tool = withEnvironment(spec("tool"), Map.of("PATH", first + ":" + second));
    try (Launcher launcher = kind.get()) {
      try (ScriptProcess process = started(launcher, tool)) {
        assertThat(awaitTermination(process).status()).isEqualTo(new ExitStatus.Exited(42));
      }
      Files.delete(moved);
      Files.copy(TestScripts.path("processes/close-stdout-then-exit-5.sh"), second.resolve("tool"));

      // Within the second the program is still looked for where it was; later it is searched for.
      Launch soon = launcher.launch(tool);
      if (soon instanceof Launch.Failed failed) {
        assertThat(failed.error().errnoName()).isEqualTo("ENOENT");
      } else {
        try (ScriptProcess process = ((Launch.Started) soon).process()) {
          assertThat(awaitTermination(process).status()).isEqualTo(new ExitStatus.Exited(5));
        }
      }
      try (ScriptProcess process = started(launcher, tool)) {
        assertThat(awaitTermination(process).status()).isEqualTo(new ExitStatus.Exited(5));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void fileWithoutExecuteBitFailsWithEacces(Supplier<Launcher> kind) {
    try (Launcher launcher = kind.get()) {
      Launch launch = launcher.launch(spec(script("startup-failures/not-executable.cgi")));
      assertThat(launch).isInstanceOf(Launch.Failed.class);
      SpawnError error = ((Launch.Failed) launch).error();
      assertThat(error.errno()).isEqualTo(13);
      assertThat(error.errnoName()).isEqualTo("EACCES");
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void inheritsNoDescriptorBeyondStandardOnes(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get();
        ScriptProcess process = started(launcher, spec(script("processes/list-descriptors.sh")))) {
      Set<String> fds =
          Arrays.stream(new String(readAll(process.stdout()), UTF_8).split("\\s+"))
              .filter(s -> !s.isEmpty())
              .collect(Collectors.toCollection(TreeSet::new));
      // 3 is the descriptor ls itself opens to read /proc/self/fd.
      assertThat(fds).containsExactly("0", "1", "2", "3");
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void floodingStderrBeforeStdoutDoesNotDeadlock(Supplier<Launcher> kind) throws Exception {
    java.util.concurrent.atomic.AtomicLong lines = new java.util.concurrent.atomic.AtomicLong();
    LaunchSpec base = spec(script("resources/flood-stderr-then-plain-line.pl"));
    LaunchSpec spec =
        new LaunchSpec(base.argv(), base.environment(), base.workingDirectory(), base.limits(),
            line -> lines.incrementAndGet(), 2048);
    try (Launcher launcher = kind.get(); ScriptProcess process = started(launcher, spec)) {
      assertThat(new String(readAll(process.stdout()), UTF_8)).isEqualTo("done\n");
      assertThat(awaitTermination(process).status().success()).isTrue();
      assertThat(Fixtures.eventually(java.time.Duration.ofSeconds(20), () -> lines.get() == 65536))
          .isTrue();
      byte[] tail = process.stderrTail();
      assertThat(tail).hasSize(2048);
      assertThat(new String(tail, UTF_8)).endsWith("eee\n");
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void groupSignalReachesGrandchildren(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get();
        ScriptProcess process = started(launcher, spec(script("processes/children-hold-stdout.sh")))) {
      List<Long> children =
          List.of(
              Long.parseLong(Fixtures.readLine(process.stdout())),
              Long.parseLong(Fixtures.readLine(process.stdout())));
      process.signalGroup(ScriptProcess.Signals.SIGKILL);
      Termination termination = awaitTermination(process);
      assertThat(termination.status())
          .isEqualTo(new ExitStatus.Signaled(ScriptProcess.Signals.SIGKILL, false));
      assertThat(termination.signalSentByGateway()).contains(ScriptProcess.Signals.SIGKILL);
      assertThat(
              Fixtures.eventually(
                  java.time.Duration.ofSeconds(10),
                  () -> children.stream().noneMatch(Fixtures::alive)))
          .isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void closeKillsChildrenThatHoldStdout(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get()) {
      ScriptProcess process = started(launcher, spec(script("processes/children-hold-stdout.sh")));
      List<Long> children =
          List.of(
              Long.parseLong(Fixtures.readLine(process.stdout())),
              Long.parseLong(Fixtures.readLine(process.stdout())));
      process.close();
      process.close();
      assertThat(process.termination()).isPresent();
      assertThat(
              Fixtures.eventually(
                  java.time.Duration.ofSeconds(10),
                  () -> children.stream().noneMatch(Fixtures::alive)))
          .isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void closeReleasesAReaderBlockedOnStdout(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get()) {
      ScriptProcess process = started(launcher, spec(script("processes/children-hold-stdout.sh")));
      Fixtures.readLine(process.stdout());
      Fixtures.readLine(process.stdout());
      // The gateway's header timeout: one thread blocked reading, another giving up on the script.
      java.util.concurrent.CompletableFuture<byte[]> rest =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return readAll(process.stdout());
                } catch (java.io.IOException e) {
                  return new byte[0];
                }
              });
      assertThat(Fixtures.eventually(java.time.Duration.ofMillis(200), rest::isDone)).isFalse();
      process.close();
      assertThat(rest.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void terminateGroupEndsTheScript(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get();
        ScriptProcess process = started(launcher, spec(script("resources/spin-cpu.sh")))) {
      process.terminateGroup(java.time.Duration.ofMillis(200));
      Termination termination = awaitTermination(process);
      assertThat(termination.status()).isInstanceOf(ExitStatus.Signaled.class);
      assertThat(termination.signalSentByGateway()).isPresent();
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void terminateGroupEscalatesToSigkillAfterTheGrace(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get();
        ScriptProcess process = started(launcher, spec(script("processes/ignore-sigterm.sh")))) {
      assertThat(Fixtures.readLine(process.stdout())).isEqualTo("ready");
      process.terminateGroup(java.time.Duration.ofMillis(300));
      assertThat(process.awaitTermination(java.time.Duration.ofMillis(100))).isEmpty();
      Termination termination = awaitTermination(process);
      assertThat(termination.status())
          .isEqualTo(new ExitStatus.Signaled(ScriptProcess.Signals.SIGKILL, false));
      assertThat(termination.signalSentByGateway()).contains(ScriptProcess.Signals.SIGKILL);
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void stdoutCanBeReadWholeAtOnce(Supplier<Launcher> kind) throws Exception {
    try (Launcher launcher = kind.get();
        ScriptProcess process = started(launcher, spec(script("processes/echo-stdin.sh")))) {
      try (OutputStream stdin = process.stdin()) {
        stdin.write("whole\n".getBytes(UTF_8));
      }
      assertThat(process.stdout().readAllBytes()).isEqualTo("whole\n".getBytes(UTF_8));
    }
  }

  @ParameterizedTest
  @MethodSource("launchers")
  void concurrentLaunchesKeepTheirOwnPipes(Supplier<Launcher> kind) throws Exception {
    java.util.concurrent.ExecutorService callers =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try (Launcher launcher = kind.get()) {
      List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        byte[] payload = ("payload " + i + "\n").repeat(100).getBytes(UTF_8);
        results.add(callers.submit(() -> echoes(launcher, payload)));
      }
      for (java.util.concurrent.Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      callers.shutdownNow();
    }
  }

  private static boolean echoes(Launcher launcher, byte[] payload) throws Exception {
    try (ScriptProcess process = started(launcher, spec(script("processes/echo-stdin.sh")))) {
      try (OutputStream stdin = process.stdin()) {
        stdin.write(payload);
      }
      return Arrays.equals(readAll(process.stdout()), payload);
    }
  }

  private static LaunchSpec withEnvironment(LaunchSpec spec, Map<String, String> environment) {
    return new LaunchSpec(spec.argv(), environment, spec.workingDirectory(), spec.limits(),
        spec.stderrSink(), spec.stderrTailBytes());
  }
}
