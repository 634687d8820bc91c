package io.cgiguard.launch.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.launch.LaunchSpec;
import io.cgiguard.launch.ResourceLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramLookupTest {
  @TempDir Path dir;

  private LaunchSpec spec(String program, Map<String, String> environment) {
    return new LaunchSpec(List.of(program), environment, dir, ResourceLimits.NONE,
        LaunchSpec.StderrSink.DISCARD, 0);
  }

  private Path file(String name, String permissions) throws IOException {
    Path file = Files.createFile(dir.resolve(name));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  @Test
  void bareNameFoundOnTheSpecPath() throws IOException {
    Path tool = file("tool", "rwxr-xr-x");
    ProgramLookup lookup = ProgramLookup.resolve(spec("tool", Map.of("PATH", "/nonexistent:" + dir)));
    assertThat(lookup).isEqualTo(new ProgramLookup.Found(tool));
  }

  @Test
  void emptyPathEntryMeansTheWorkingDirectory() throws IOException {
    Path tool = file("tool", "rwxr-xr-x");
    ProgramLookup lookup = ProgramLookup.resolve(spec("tool", Map.of("PATH", "/nonexistent:")));
    assertThat(lookup).isEqualTo(new ProgramLookup.Found(tool));
  }

  @Test
  void nonExecutableMatchGivesEacces() throws IOException {
    file("tool", "rw-r--r--");
    ProgramLookup lookup = ProgramLookup.resolve(spec("tool", Map.of("PATH", dir.toString())));
    assertThat(((ProgramLookup.NotFound) lookup).error().errnoName()).isEqualTo("EACCES");
  }

  @Test
  void noMatchGivesEnoentAndNeverTheGatewaysPath() {
    ProgramLookup lookup = ProgramLookup.resolve(spec("sh", Map.of("PATH", dir.toString())));
    assertThat(((ProgramLookup.NotFound) lookup).error().errnoName()).isEqualTo("ENOENT");
  }

  @Test
  void withoutPathTheExecvpDefaultIsSearched() {
    ProgramLookup lookup = ProgramLookup.resolve(spec("sh", Map.of()));
    assertThat(lookup).isInstanceOf(ProgramLookup.Found.class);
  }

  @Test
  void nameWithSlashIsRelativeToTheWorkingDirectory() {
    ProgramLookup lookup = ProgramLookup.resolve(spec("./cgi/run", Map.of()));
    assertThat(lookup).isEqualTo(new ProgramLookup.Found(dir.resolve("./cgi/run")));
  }

  @Test
  void errnoOfAJdkMessage() {
    assertThat(Errno.fromJdkMessage("Cannot run program \"x\": error=13, Permission denied"))
        .hasValue(13);
    assertThat(Errno.fromJdkMessage("something else")).isEmpty();
    assertThat(Errno.name(8)).isEqualTo("ENOEXEC");
    assertThat(Errno.name(9999)).isEqualTo("UNKNOWN");
  }
}
