package io.cgiguard.launch.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The signal pipe in this JVM, with a signal nothing else here uses: {@code SIGWINCH}, whose
 * default action is to do nothing, so that the test JVM is the same afterwards whatever
 * happens. {@code OutOfProcessesTest.signalsAreActedOnWhenNoThreadCanBeMade} runs it in
 * {@code serve} with no thread to spare.
 */
@Timeout(30)
class SignalPipeTest {

  /** SIGWINCH on Linux (asm-generic/signal.h, and x86). */
  private static final int SIGWINCH = 28;
  private static final int SIGKILL = 9;

  @Test
  void aSignalSentToTheProcessRunsItsActionOnThePipesThread() throws Exception {
    SignalPipe pipe = pipe();
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<String> thread = new AtomicReference<>();
    pipe.take(SIGWINCH, () -> {
      thread.set(Thread.currentThread().getName());
      ran.countDown();
    });
    sendWinch();
    assertThat(ran.await(10, TimeUnit.SECONDS)).as("the action ran").isTrue();
    assertThat(thread.get()).isEqualTo("cgiguard-signals");
  }

  /** An action that throws an Error (a class missing after an upgrade) leaves the pipe read. */
  @Test
  void anActionThatThrowsLeavesTheNextSignalTaken() throws Exception {
    SignalPipe pipe = pipe();
    CountDownLatch threw = new CountDownLatch(1);
    pipe.take(SIGWINCH, () -> {
      threw.countDown();
      throw new NoClassDefFoundError("io/cgiguard/Gone");
    });
    sendWinch();
    assertThat(threw.await(10, TimeUnit.SECONDS)).as("the throwing action ran").isTrue();
    CountDownLatch ran = new CountDownLatch(1);
    pipe.take(SIGWINCH, ran::countDown);
    sendWinch();
    assertThat(ran.await(10, TimeUnit.SECONDS)).as("the next signal's action ran").isTrue();
  }

  @Test
  void aSignalNoHandlerMayTakeIsRefusedByName() {
    SignalPipe pipe = pipe();
    assertThatThrownBy(() -> pipe.take(SIGKILL, () -> { }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sigaction(9) failed")
        .hasMessageContaining("Invalid argument");
  }

  @Test
  void openingTwiceGivesTheSamePipe() {
    assertThat(SignalPipe.open()).containsSame(pipe());
  }

  private static void sendWinch() throws Exception {
    Process kill = new ProcessBuilder("kill", "-WINCH", Long.toString(ProcessHandle.current().pid()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -WINCH")
        .isTrue();
  }

  private static SignalPipe pipe() {
    assumeTrue(CloneSpawn.unavailableReason().isEmpty(),
        "the gateway's native library was not built here (no C compiler at build time)");
    return SignalPipe.open().orElseThrow(() -> new AssertionError(
        "the library is there but the pipe is not: " + SignalPipe.whyNot().orElse("?")));
  }
}
