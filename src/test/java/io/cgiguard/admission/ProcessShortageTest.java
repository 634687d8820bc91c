package io.cgiguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.SteppedClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shortage signal over a real bulkhead: halved once per limit by EAGAIN/ENOMEM, raised by one
 * per spawn that works (or whole after a quiet spell), the excess refused at once while it is
 * lowered, and anything but a shortage errno ignored.
 */
class ProcessShortageTest {

  private final Bulkhead bulkhead = new Bulkhead(
      new BulkheadSettings(8, 8, 100, Duration.ofSeconds(1)));
  private final SteppedClock clock = new SteppedClock();
  private final List<String> causesRead = new ArrayList<>();
  private final ProcessShortage shortage = new ProcessShortage(bulkhead, errno -> {
    causesRead.add(errno);
    return "the process table of this service is full: cgroup pids.max 38 reached";
  }, clock, Duration.ofSeconds(2));

  @Test
  void eagainHalvesTheLimitOncePerLimitAndNamesTheCauseOnce() throws Exception {
    List<Slot.Permit> permits = take(6);
    int before = shortage.generation();

    shortage.spawnFailed("EAGAIN", before);
    shortage.spawnFailed("EAGAIN", before);

    assertThat(bulkhead.limit()).as("halved once for spawns started under one limit").isEqualTo(3);
    shortage.spawnFailed("ENOMEM", shortage.generation());
    assertThat(bulkhead.limit()).isEqualTo(1);
    assertThat(shortage.active()).isTrue();
    assertThat(shortage.episodes()).isEqualTo(1);
    assertThat(causesRead).containsExactly("EAGAIN");
    assertThat(shortage.cause()).contains(
        "the process table of this service is full: cgroup pids.max 38 reached");
    permits.forEach(Slot.Permit::close);
  }

  @Test
  void whileLoweredTheExcessIsRefusedAtOnceNotQueued() throws Exception {
    List<Slot.Permit> permits = take(2);
    shortage.spawnFailed("EAGAIN", shortage.generation());
    assertThat(bulkhead.limit()).isEqualTo(1);

    Slot slot = bulkhead.acquire("b", Duration.ofSeconds(30));

    assertThat(slot).isInstanceOf(Slot.Rejected.class);
    assertThat(bulkhead.queued()).isZero();
    assertThat(shortage.refused()).isPresent();
    permits.forEach(Slot.Permit::close);
  }

  @Test
  void eachSpawnThatWorksRaisesTheLimitByOneUntilTheEpisodeEnds() throws Exception {
    List<Slot.Permit> permits = take(4);
    shortage.spawnFailed("EAGAIN", shortage.generation());
    assertThat(bulkhead.limit()).isEqualTo(2);
    permits.forEach(Slot.Permit::close);

    for (int expected = 3; expected < 8; expected++) {
      shortage.spawned();
      assertThat(bulkhead.limit()).isEqualTo(expected);
      assertThat(shortage.active()).isTrue();
    }
    shortage.spawned();

    assertThat(bulkhead.limit()).isEqualTo(8);
    assertThat(shortage.active()).isFalse();
    assertThat(shortage.lowestLimit()).as("kept after the episode").isEqualTo(2);
    assertThat(shortage.refused()).isEmpty();
    assertThat(shortage.lastCause()).contains("pids.max 38");
  }

  @Test
  void aSpawnAfterAQuietSpellRestoresTheWholeLimit() throws Exception {
    List<Slot.Permit> permits = take(8);
    shortage.spawnFailed("EAGAIN", shortage.generation());
    permits.forEach(Slot.Permit::close);
    assertThat(bulkhead.limit()).isEqualTo(4);

    clock.advance(ProcessShortage.QUIET);
    shortage.spawned();

    assertThat(bulkhead.limit()).isEqualTo(8);
    assertThat(shortage.active()).isFalse();
  }

  /**
   * Long scripts hold every slot of the lowered limit, so no spawn would ever show the shortage
   * is over: a refusal after a quiet second makes room for one more script than run now.
   */
  @Test
  void aRefusalAfterAQuietSecondMakesRoomForOneProbe() throws Exception {
    List<Slot.Permit> permits = take(4);
    shortage.spawnFailed("EMFILE", shortage.generation());
    assertThat(bulkhead.limit()).isEqualTo(2);
    assertThat(bulkhead.acquire("b", Duration.ZERO)).isInstanceOf(Slot.Rejected.class);
    assertThat(shortage.refused()).isPresent();
    assertThat(bulkhead.limit()).as("no probe within the second").isEqualTo(2);

    clock.advance(ProcessShortage.PROBE_AFTER);
    assertThat(bulkhead.acquire("b", Duration.ZERO)).isInstanceOf(Slot.Rejected.class);
    assertThat(shortage.refused()).isPresent();
    assertThat(bulkhead.limit()).isEqualTo(5);
    Slot probe = bulkhead.acquire("b", Duration.ZERO);
    assertThat(probe).isInstanceOf(Slot.Admitted.class);
    assertThat(shortage.refused()).as("one probe per second").isPresent();
    assertThat(bulkhead.limit()).isEqualTo(5);

    ((Slot.Admitted) probe).permit().close();
    permits.forEach(Slot.Permit::close);
  }

  @Test
  void otherSpawnErrorsAreTheScriptsOwnAndLeaveTheLimitAlone() throws Exception {
    List<Slot.Permit> permits = take(4);
    for (String errno : List.of("ENOENT", "EACCES", "ENOEXEC", "E2BIG")) {
      shortage.spawnFailed(errno, shortage.generation());
    }

    assertThat(bulkhead.limit()).isEqualTo(8);
    assertThat(shortage.active()).isFalse();
    assertThat(causesRead).isEmpty();
    assertThat(ProcessShortage.isShortageErrno("EAGAIN")).isTrue();
    assertThat(ProcessShortage.isShortageErrno("EMFILE")).isTrue();
    assertThat(ProcessShortage.isShortageErrno("ENFILE")).isTrue();
    assertThat(ProcessShortage.isShortageErrno("ENOENT")).isFalse();
    permits.forEach(Slot.Permit::close);
  }

  private List<Slot.Permit> take(int count) throws InterruptedException {
    List<Slot.Permit> permits = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      permits.add(((Slot.Admitted) bulkhead.acquire("a", Duration.ZERO)).permit());
    }
    return permits;
  }
}
