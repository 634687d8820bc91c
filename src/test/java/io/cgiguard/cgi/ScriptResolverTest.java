package io.cgiguard.cgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScriptResolverTest {

  @TempDir Path temp;
  private Path mount;
  private Path outside;

  @BeforeEach
  void layOutAMount() throws IOException {
    Path root = temp.toRealPath();
    mount = Files.createDirectories(root.resolve("cgi-bin"));
    outside = Files.createDirectories(root.resolve("elsewhere"));
    Files.writeString(mount.resolve("env.pl"), "#!/usr/bin/perl\n");
    Files.createDirectories(mount.resolve("sub/deeper"));
    Files.writeString(mount.resolve("sub/nested.cgi"), "#!/bin/sh\n");
    Files.writeString(mount.resolve(".hidden.cgi"), "#!/bin/sh\n");
    Files.writeString(outside.resolve("secret.cgi"), "#!/bin/sh\n");
    Files.createSymbolicLink(mount.resolve("alias.pl"), Paths.get("env.pl"));
    Files.createSymbolicLink(mount.resolve("escape.cgi"), outside.resolve("secret.cgi"));
    Files.createSymbolicLink(mount.resolve("outdir"), outside);
    Files.createSymbolicLink(mount.resolve("dangling.cgi"), mount.resolve("missing"));
  }

  /** @param segments below the mount, separated by {@code /}; a trailing {@code /} is kept */
  private Resolution resolve(String segments, boolean followOutside) {
    List<String> list = segments.isEmpty() ? List.of() : Arrays.asList(segments.split("/"));
    return ScriptResolver.resolve(mount, "/cgi-bin/", list, segments.endsWith("/"),
        followOutside);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      script alone             | env.pl                  | env.pl         | /cgi-bin/env.pl         | ''
      path info                | env.pl/a/b              | env.pl         | /cgi-bin/env.pl         | /a/b
      path info, trailing slash | env.pl/a/b/            | env.pl         | /cgi-bin/env.pl         | /a/b/
      only a slash after it    | env.pl/                 | env.pl         | /cgi-bin/env.pl         | /
      path info looks like file | env.pl/sub/nested.cgi  | env.pl         | /cgi-bin/env.pl         | /sub/nested.cgi
      script in a subdirectory | sub/nested.cgi/x        | sub/nested.cgi | /cgi-bin/sub/nested.cgi | /x
      hidden name is not our job | .hidden.cgi           | .hidden.cgi    | /cgi-bin/.hidden.cgi    | ''
      symlink inside the mount | alias.pl/p              | env.pl         | /cgi-bin/alias.pl       | /p
      """)
  void foundWalksToTheFirstRegularFile(String category, String segments, String file,
      String scriptName, String pathInfo) throws IOException {
    Resolution resolution = resolve(segments, false);

    assertThat(resolution).as(category).isInstanceOf(Resolution.Found.class);
    Resolution.Found found = (Resolution.Found) resolution;
    assertThat(found.scriptFile()).isEqualTo(mount.resolve(file).toRealPath());
    assertThat(found.scriptName()).isEqualTo(scriptName);
    assertThat(found.pathInfo()).isEqualTo(pathInfo);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no segments              | ''                 | no script named
      no such file             | nope.cgi           | no such file: /cgi-bin/nope.cgi
      no such file below dir   | sub/nope.cgi/x     | no such file: /cgi-bin/sub/nope.cgi
      ends at a directory      | sub                | a directory, not a script: /cgi-bin/sub
      ends at a deeper dir     | sub/deeper         | a directory, not a script: /cgi-bin/sub/deeper
      dangling symlink         | dangling.cgi       | no such file
      """)
  void notFoundWhenNothingRunnableIsThere(String category, String segments, String reason) {
    Resolution resolution = resolve(segments, false);

    assertThat(resolution).as(category).isInstanceOf(Resolution.NotFound.class);
    assertThat(((Resolution.NotFound) resolution).reason()).startsWith(reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      symlinked file outside      | escape.cgi          | links outside the CGI directory: /cgi-bin/escape.cgi
      through symlinked directory | outdir/secret.cgi/x | links outside the CGI directory: /cgi-bin/outdir/secret.cgi
      """)
  void forbiddenWhenTheFileMayNotRun(String category, String segments, String reason) {
    Resolution resolution = resolve(segments, false);

    assertThat(resolution).as(category).isInstanceOf(Resolution.Forbidden.class);
    assertThat(((Resolution.Forbidden) resolution).reason()).isEqualTo(reason);
  }

  @Test
  void forbiddenWhenTheFileIsNotRegular() throws IOException {
    Path device = Files.createSymbolicLink(mount.resolve("device.cgi"), Paths.get("/dev/null"));
    try {
      Resolution resolution = resolve("device.cgi", true);

      assertThat(resolution)
          .isEqualTo(new Resolution.Forbidden("not a regular file: /cgi-bin/device.cgi"));
    } finally {
      Files.delete(device); // removed here so that the temp dir cleanup never meets /dev
    }
  }

  @Test
  void symlinksOutsideRunWhenAllowed() throws IOException {
    Resolution resolution = resolve("outdir/secret.cgi/x", true);

    assertThat(resolution).isEqualTo(new Resolution.Found(
        outside.resolve("secret.cgi").toRealPath(), "/cgi-bin/outdir/secret.cgi", "/x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/cgi-bin", "/cgi-bin/", "cgi-bin"})
  void scriptNameHasOneSlashWhateverThePrefixSpelling(String prefix) {
    Resolution resolution = ScriptResolver.resolve(mount, prefix, List.of("env.pl"), false, false);

    assertThat(((Resolution.Found) resolution).scriptName()).isEqualTo("/cgi-bin/env.pl");
  }

  @Test
  void aRootMountNamesScriptsFromTheRoot() {
    Resolution resolution = ScriptResolver.resolve(mount, "/", List.of("env.pl"), false, false);

    assertThat(((Resolution.Found) resolution).scriptName()).isEqualTo("/env.pl");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", "", "a/b", "a\0b"})
  void refusesSegmentsThatRequestPathWouldNeverProduce(String segment) {
    assertThatIllegalArgumentException().isThrownBy(
        () -> ScriptResolver.resolve(mount, "/cgi-bin/", List.of(segment, "x"), false,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      outside the roots          | elsewhere/secret.cgi     | outside the allowed roots
      symlink leaving the roots  | cgi-bin/escape.cgi       | outside the allowed roots
      dot-dot leaving the roots  | cgi-bin/../elsewhere/secret.cgi | outside the allowed roots
      no such file               | cgi-bin/missing.cgi      | names no file
      dangling symlink           | cgi-bin/dangling.cgi     | names no file
      a directory                | cgi-bin/sub              | not a regular file
      """)
  void namedScriptOutsideTheRootsOrNotAFileIsForbidden(String category, String relative,
      String reason) throws IOException {
    Resolution resolution = ScriptResolver.resolveNamed(temp.toRealPath() + "/" + relative,
        List.of(mount), "/x", "");

    assertThat(resolution).as(category).isInstanceOfSatisfying(Resolution.Forbidden.class,
        forbidden -> assertThat(forbidden.reason()).contains(reason));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      empty             | ''
      relative          | cgi-bin/env.pl
      """)
  void namedScriptMustBeAnAbsolutePath(String category, String named) {
    assertThat(ScriptResolver.resolveNamed(named, List.of(mount), "/x", ""))
        .as(category).isInstanceOf(Resolution.Forbidden.class);
  }

  @Test
  void namedScriptUnderARootRunsByItsRealPath() throws IOException {
    Resolution resolution = ScriptResolver.resolveNamed(mount + "/alias.pl", List.of(outside,
        mount), "/cgi-bin/alias.pl", "/more");

    assertThat(resolution).isEqualTo(new Resolution.Found(mount.resolve("env.pl"),
        "/cgi-bin/alias.pl", "/more"));
  }
}
