package io.cgiguard.capacity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where this process's pids and memory controllers are, from {@code /proc/self/cgroup}: a cgroup
 * v1 hierarchy per controller ({@code 8:pids:/path}), or the unified v2 one ({@code 0::/path}).
 * A limit set on an ancestor bounds the group too, so each is read up to the root and the one with
 * the least headroom is kept.
 */
final class Cgroups {

  private final Optional<Path> pids;
  private final Optional<Path> memory;
  private final boolean unified;

  private Cgroups(Optional<Path> pids, Optional<Path> memory, boolean unified) {
    this.pids = pids;
    this.memory = memory;
    this.unified = unified;
  }

  static Cgroups of(Path selfCgroup, Path root) {
    Optional<Path> pids = Optional.empty();
    Optional<Path> memory = Optional.empty();
    Optional<Path> v2 = Optional.empty();
    try {
      for (String line : Files.readAllLines(selfCgroup)) {
        String[] parts = line.split(":", 3);
        if (parts.length < 3) {
          continue;
        }
        String relative = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
        for (String controller : parts[1].split(",")) {
          if (controller.equals("pids")) {
            pids = Optional.of(root.resolve("pids").resolve(relative));
          } else if (controller.equals("memory")) {
            memory = Optional.of(root.resolve("memory").resolve(relative));
          }
        }
        if (parts[0].equals("0") && parts[1].isEmpty()) {
          v2 = Optional.of(root.resolve(relative));
        }
      }
    } catch (IOException e) {
      return new Cgroups(Optional.empty(), Optional.empty(), false);
    }
    boolean unified = Files.exists(root.resolve("cgroup.controllers"));
    if (unified) {
      return new Cgroups(v2, v2, true);
    }
    return new Cgroups(pids.filter(Files::isDirectory), memory.filter(Files::isDirectory), false);
  }

  /** @return the tightest {@code pids.max} of this group and its ancestors */
  Optional<Bound> pids() {
    return tightest(pids, "pids.max", "pids.current", Long.MAX_VALUE, "cgroup pids.max",
        Bound.Resource.TASKS);
  }

  /** @return the tightest memory limit of this group and its ancestors */
  Optional<Bound> memory(long unlimited) {
    return unified
        ? tightest(memory, "memory.max", "memory.current", unlimited, "cgroup memory.max",
            Bound.Resource.MEMORY)
        : tightest(memory, "memory.limit_in_bytes", "memory.usage_in_bytes", unlimited,
            "cgroup memory.limit_in_bytes", Bound.Resource.MEMORY);
  }

  private static Optional<Bound> tightest(Optional<Path> start, String limitFile, String usedFile,
      long unlimited, String name, Bound.Resource resource) {
    Bound best = null;
    for (Path dir = start.orElse(null); dir != null && Files.isDirectory(dir);
        dir = dir.getParent()) {
      OptionalLong limit = Capacity.number(dir.resolve(limitFile));
      OptionalLong used = Capacity.number(dir.resolve(usedFile));
      if (limit.isPresent() && used.isPresent() && limit.getAsLong() < unlimited) {
        Bound bound = new Bound(name, resource, limit.getAsLong(), used.getAsLong());
        if (best == null || bound.headroom() < best.headroom()) {
          best = bound;
        }
      }
      if (!Files.exists(dir.resolve(limitFile))) {
        break; // above the hierarchy's root
      }
    }
    return Optional.ofNullable(best);
  }
}
