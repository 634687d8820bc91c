package io.cgiguard.launch.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.SteppedClock;
import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.ResourceLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramCacheTest {
  @TempDir Path root;
  private Path first;
  private Path second;
  private final SteppedClock clock = new SteppedClock();
  private final ProgramCache cache = new ProgramCache(clock);

  @BeforeEach
  void directories() throws IOException {
    first = Files.createDirectory(root.resolve("first"));
    second = Files.createDirectory(root.resolve("second"));
  }

  private LaunchSpec spec(String program, String path, Path workingDirectory) {
    return new LaunchSpec(List.of(program), Map.of("PATH", path), workingDirectory,
        ResourceLimits.NONE, LaunchSpec.StderrSink.DISCARD, 0);
  }

  private LaunchSpec onBoth(String program) {
    return spec(program, first + ":" + second, root);
  }

  private static Path executable(Path dir, String name) throws IOException {
    Path file = Files.createFile(dir.resolve(name));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static Path found(ProgramLookup lookup) {
    assertThat(lookup).isInstanceOf(ProgramLookup.Found.class);
    return ((ProgramLookup.Found) lookup).program().normalize();
  }

  @Test
  void aFoundProgramIsUsedForASecondThenSearchedForAgain() throws IOException {
    Path old = executable(second, "tool");
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(old));

    Path earlier = executable(first, "tool");
    clock.advance(Duration.ofMillis(999));
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(old));

    clock.advance(Duration.ofMillis(1));
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(earlier));
  }

  @Test
  void aRemovedProgramIsNotFoundOnceItsEntryIsStale() throws IOException {
    Path tool = executable(first, "tool");
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(tool));
    Files.delete(tool);

    clock.advance(ProgramCache.FRESH_FOR);
    ProgramLookup lookup = cache.resolve(onBoth("tool"));
    assertThat(lookup).isInstanceOf(ProgramLookup.NotFound.class);
    assertThat(((ProgramLookup.NotFound) lookup).error().errnoName()).isEqualTo("ENOENT");
  }

  @Test
  void aNameNotFoundIsSearchedForAgainAtOnce() throws IOException {
    assertThat(cache.resolve(onBoth("tool"))).isInstanceOf(ProgramLookup.NotFound.class);
    Path tool = executable(second, "tool");
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(tool));
  }

  @Test
  void aForgottenProgramIsSearchedForAgainAtOnce() throws IOException {
    Path old = executable(second, "tool");
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(old));
    Path earlier = executable(first, "tool");

    cache.forget(onBoth("tool"));
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(earlier));
  }

  @Test
  void eachPathHasItsOwnEntry() throws IOException {
    Path inFirst = executable(first, "tool");
    Path inSecond = executable(second, "tool");
    assertThat(cache.resolve(spec("tool", first.toString(), root)))
        .isEqualTo(new ProgramLookup.Found(inFirst));
    assertThat(cache.resolve(spec("tool", second.toString(), root)))
        .isEqualTo(new ProgramLookup.Found(inSecond));
  }

  @Test
  void aRelativePathIsSearchedFromEachWorkingDirectory() throws IOException {
    Path inFirst = executable(first, "tool");
    Path inSecond = executable(second, "tool");
    for (String relative : List.of("", ".", "/nonexistent:", "bin:.")) {
      assertThat(found(cache.resolve(spec("tool", relative, first))))
          .as("PATH=%s", relative).isEqualTo(inFirst);
      assertThat(found(cache.resolve(spec("tool", relative, second))))
          .as("PATH=%s", relative).isEqualTo(inSecond);
    }
  }

  @Test
  void aNameWithASlashIsNeverRemembered() throws IOException {
    Path tool = executable(first, "tool");
    LaunchSpec direct = spec("./tool", "/nonexistent", first);
    assertThat(cache.resolve(direct)).isEqualTo(new ProgramLookup.Found(first.resolve("./tool")));
    Files.delete(tool);
    // Taken as is, as execve will: nothing was searched, so nothing can be stale.
    assertThat(cache.resolve(direct)).isEqualTo(new ProgramLookup.Found(first.resolve("./tool")));
  }

  @Test
  void aClockSetBackMakesTheEntryStale() throws IOException {
    Path old = executable(second, "tool");
    clock.advance(Duration.ofSeconds(10));
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(old));
    Path earlier = executable(first, "tool");

    clock.advance(Duration.ofSeconds(-5));
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(earlier));
  }

  @Test
  void pastItsSizeEverythingIsSearchedForAgain() throws IOException {
    Path old = executable(second, "tool");
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(old));
    for (int i = 0; i < ProgramCache.MAX_ENTRIES; i++) {
      assertThat(cache.resolve(spec("tool", second + ":/nonexistent/" + i, root)))
          .isEqualTo(new ProgramLookup.Found(old));
    }
    Path earlier = executable(first, "tool");
    assertThat(cache.resolve(onBoth("tool"))).isEqualTo(new ProgramLookup.Found(earlier));
  }
}
