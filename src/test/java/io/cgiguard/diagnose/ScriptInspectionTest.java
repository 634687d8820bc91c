package io.cgiguard.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptInspectionTest {

  private static final String PATH = "/usr/local/bin:/usr/bin:/bin";

  @TempDir Path dir;

  @BeforeEach
  void privateDirectory() throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path script(String name, String content, String permissions) throws IOException {
    Path script = dir.resolve(name);
    Files.write(script, content.getBytes(StandardCharsets.ISO_8859_1));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString(permissions));
    return script;
  }

  private static List<Finding.Kind> kinds(List<Finding> findings) {
    return findings.stream().map(Finding::kind).toList();
  }

  @Test
  void cleanScriptHasNoFindings() throws IOException {
    Path script = script("ok.sh", "#!/bin/sh\necho 'Content-Type: text/plain'\necho\n",
        "rwxr-xr-x");

    assertThat(ScriptInspection.inspect(script, PATH)).isEmpty();
  }

  @Test
  void crlfShebangNamesTheInterpreterWithItsCarriageReturn() throws IOException {
    Path script = script("crlf.pl",
        "#!/usr/bin/perl\r\nprint \"Content-Type: text/plain\\n\\n\";\r\n", "rwxr-xr-x");

    List<Finding> findings = ScriptInspection.inspect(script, PATH);

    assertThat(kinds(findings)).containsExactly(Finding.Kind.SHEBANG_CR);
    assertThat(findings.get(0).detail()).contains("interpreter it names is `/usr/bin/perl\\r`");
  }

  @Test
  void crlfShebangThroughEnvNamesTheProgramLookedUp() throws IOException {
    Path script = script("crlf-env.pl", "#!/usr/bin/env perl\r\n", "rwxr-xr-x");

    List<Finding> findings = ScriptInspection.inspect(script, PATH);

    assertThat(kinds(findings)).containsExactly(Finding.Kind.SHEBANG_CR);
    assertThat(findings.get(0).detail()).contains("`perl\\r`");
  }

  @Test
  void windowsShebangIsReported() throws IOException {
    Path script = script("win.pl", "#!C:\\Perl\\bin\\perl.exe\r\nprint 1;\r\n", "rwxr-xr-x");

    List<Finding> findings = ScriptInspection.inspect(script, PATH);

    assertThat(kinds(findings))
        .containsExactly(Finding.Kind.SHEBANG_CR, Finding.Kind.SHEBANG_WINDOWS_PATH);
    assertThat(findings.get(1).detail()).contains("C:\\Perl\\bin\\perl.exe");
  }

  @Test
  void missingInterpreterIsReported() throws IOException {
    Path script = script("missing.cgi", "#!/usr/bin/no-such-interpreter -w\n", "rwxr-xr-x");

    List<Finding> findings = ScriptInspection.inspect(script, PATH);

    assertThat(kinds(findings)).containsExactly(Finding.Kind.MISSING_INTERPRETER);
    assertThat(findings.get(0).detail()).contains("/usr/bin/no-such-interpreter");
  }

  @Test
  void envInterpreterIsLookedUpOnTheGivenPath() throws IOException {
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path interpreter = bin.resolve("tinyinterp");
    Files.writeString(interpreter, "#!/bin/sh\n");
    Files.setPosixFilePermissions(interpreter, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path script = script("env.cgi", "#!/usr/bin/env tinyinterp\n", "rwxr-xr-x");

    assertThat(ScriptInspection.inspect(script, bin.toString())).isEmpty();
    List<Finding> withoutIt = ScriptInspection.inspect(script, "/usr/bin:/bin");
    assertThat(kinds(withoutIt)).containsExactly(Finding.Kind.MISSING_INTERPRETER);
    assertThat(withoutIt.get(0).detail()).contains("tinyinterp").contains("/usr/bin:/bin");
  }

  @Test
  void scriptWithoutExecuteBitIsReported() throws IOException {
    Path script = script("noexec.sh", "#!/bin/sh\n", "rw-r--r--");

    assertThat(kinds(ScriptInspection.inspect(script, PATH)))
        .containsExactly(Finding.Kind.NOT_EXECUTABLE);
  }

  @Test
  void worldWritableScriptAndDirectoryAreReported() throws IOException {
    Path script = script("open.sh", "#!/bin/sh\n", "rwxrwxrwx");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    List<Finding> findings = ScriptInspection.inspect(script, PATH);

    assertThat(kinds(findings))
        .containsExactly(Finding.Kind.WORLD_WRITABLE, Finding.Kind.WORLD_WRITABLE);
    assertThat(findings.get(1).detail()).contains(dir.toString());
  }

  @Test
  void fileWithoutShebangHasOnlyFileFindings() throws IOException {
    Path script = script("binary", "\u007fELF...", "rwxr-xr-x");

    assertThat(ScriptInspection.inspect(script, PATH)).isEmpty();
  }

  @Test
  void noexecMountIsFoundByTheLongestMountPoint() {
    String mountinfo = String.join("\n",
        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
        "40 27 0:40 / /srv/cgi\\040bin rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw",
        "41 40 0:41 / /srv/cgi\\040bin/exec rw,relatime - tmpfs tmpfs rw",
        "");

    assertThat(ScriptInspection.noexecMountPoint(mountinfo, Path.of("/srv/cgi bin/a.pl")))
        .contains("/srv/cgi bin");
    assertThat(ScriptInspection.noexecMountPoint(mountinfo, Path.of("/srv/cgi bin/exec/a.pl")))
        .isEmpty();
    assertThat(ScriptInspection.noexecMountPoint(mountinfo, Path.of("/srv/cgi binary/a.pl")))
        .isEmpty();
  }

  @Test
  void envInterpreterOnARelativePathEntryIsFoundFromTheScriptsDirectory() throws IOException {
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path interpreter = bin.resolve("tinyinterp");
    Files.writeString(interpreter, "#!/bin/sh\n");
    Files.setPosixFilePermissions(interpreter, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(bin.resolve("plain"), "x");
    Path script = script("env.cgi", "#!/usr/bin/env tinyinterp\n", "rwxr-xr-x");
    Path plainScript = script("plain.cgi", "#!/usr/bin/env plain\n", "rwxr-xr-x");

    assertThat(ScriptInspection.inspect(script, "bin")).isEmpty();
    assertThat(kinds(ScriptInspection.inspect(plainScript, "bin")))
        .containsExactly(Finding.Kind.MISSING_INTERPRETER);
  }
}
