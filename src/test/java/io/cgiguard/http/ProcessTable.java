package io.cgiguard.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What {@code /proc} says about processes and descriptors, for tests that prove nothing outlives
 * its request: pids read from the files fixtures write, liveness, our children, our descriptors.
 */
public final class ProcessTable {

  static final long SELF = ProcessHandle.current().pid();

  private ProcessTable() {}

  /** One process's state letter and parent, from {@code /proc/<pid>/stat}. */
  public record Stat(long pid, char state, long ppid) {
    boolean zombie() {
      return state == 'Z' || state == 'X';
    }
  }

  /** The stat of {@code pid}, or empty when no such process exists any more. */
  public static java.util.Optional<Stat> stat(long pid) {
    try {
      String text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name is in parentheses and may itself hold spaces or parentheses.
      String[] rest = text.substring(text.lastIndexOf(')') + 2).split(" ");
      return java.util.Optional.of(new Stat(pid, rest[0].charAt(0), Long.parseLong(rest[1])));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * Whether {@code pid} no longer runs. A zombie counts as gone only when it is not our child:
   * our own children must be reaped by the gateway, an orphan is the init process's to reap.
   */
  static boolean gone(long pid) {
    return stat(pid).map(s -> s.zombie() && s.ppid() != SELF).orElse(true);
  }

  /** Children of this JVM, zombies included (a zombie child is a leak too). */
  static List<Stat> children() {
    return childrenOf(SELF);
  }

  /** Children of {@code parent}, zombies included. */
  public static List<Stat> childrenOf(long parent) {
    List<Stat> children = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
          .map(n -> stat(Long.parseLong(n))).flatMap(java.util.Optional::stream)
          .filter(s -> s.ppid() == parent).forEach(children::add);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return children;
  }

  /** Open descriptors of this JVM (the listing's own descriptor included, so compare counts). */
  static int openDescriptors() {
    return openDescriptors("self");
  }

  /** Open descriptors of process {@code pid} ({@code self} for this JVM). */
  public static int openDescriptors(String pid) {
    try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The pid a fixture wrote to {@code file}, once the file holds a whole line. */
  static OptionalLong pidIn(Path file) {
    try {
      String text = Files.readString(file);
      return text.endsWith("\n") ? OptionalLong.of(Long.parseLong(text.strip()))
          : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Waits for the pid a fixture writes to {@code file}; fails after {@code limit}. */
  static long awaitPid(Path file, Duration limit) {
    long[] pid = new long[1];
    await(limit, () -> {
      OptionalLong read = pidIn(file);
      read.ifPresent(p -> pid[0] = p);
      return read.isPresent();
    }, "a pid in " + file.getFileName());
    return pid[0];
  }

  /**
   * Polls {@code condition} every 20 ms until it holds; fails when {@code limit} passes.
   *
   * @return how long it took
   */
  public static Duration await(Duration limit, BooleanSupplier condition, String what) {
    long start = System.nanoTime();
    boolean held;
    try {
      held = io.cgiguard.Polling.eventually(limit, condition);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
    if (!held) {
      throw new AssertionError("not within " + limit.toMillis() + " ms: " + what);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
