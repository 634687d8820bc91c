package io.cgiguard.iis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WindowsScriptCheckTest {

  static final Path WINDOWS = Path.of("test-scripts/iis/windows-shebang-crlf.pl");
  static final Path CRLF_ONLY = Path.of("test-scripts/iis/unix-shebang-crlf.pl");

  @Test
  void aWindowsShebangWithCrlfRunsThroughItsMapping() throws IOException {
    WindowsScriptCheck.Finding finding =
        WindowsScriptCheck.inspect(WINDOWS, List.of("*.py", "*.PL")).orElseThrow();

    assertThat(finding.shebang()).isEqualTo("C:\\Perl\\bin\\perl.exe");
    assertThat(finding.crlf()).isTrue();
    assertThat(finding.mapping()).isEqualTo("*.PL");
    assertThat(finding.runs()).isTrue();
    assertThat(finding.describe()).contains("runs through handler mapping *.PL");
  }

  @Test
  void crlfAloneWithoutAMappingWillNotStart() throws IOException {
    WindowsScriptCheck.Finding finding =
        WindowsScriptCheck.inspect(CRLF_ONLY, List.of("*.cgi")).orElseThrow();

    assertThat(finding.shebang()).isNull();
    assertThat(finding.runs()).isFalse();
    assertThat(finding.describe()).contains("CRLF line endings").contains("will fail to start");
  }

  @Test
  void aLinuxScriptHasNoFinding(@TempDir Path dir) throws IOException {
    Path script = Files.writeString(dir.resolve("ok.pl"), "#!/usr/bin/perl\nprint 1;\n");

    assertThat(WindowsScriptCheck.inspect(script, List.of())).isEmpty();
  }

  @ParameterizedTest(name = "{0} is Windows: {1}")
  @CsvSource(delimiter = '|', value = {
      "#!C:\\Perl\\bin\\perl.exe       | true",
      "#!c:/python312/python.exe -u  | true",
      "#!\\\\server\\share\\perl       | true",
      "#!perl.exe                    | true",
      "#!/usr/bin/perl -w            | false",
      "#!/usr/bin/env python3        | false",
      "print 1;                      | false"})
  void recognisesWindowsShebangs(String line, boolean windows) {
    assertThat(WindowsScriptCheck.isWindowsShebang(line)).isEqualTo(windows);
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({"*.pl, hello.pl, true", "*.pl, HELLO.PL, true", "*.pl, hello.plx, false",
      "counter.cgi, counter.cgi, true", "counter.cgi, xcounter.cgi, false", "*, any, true",
      "a?c.cgi, abc.cgi, true", "*.p(l, x.p(l, true"})
  void matchesIisHandlerPaths(String pattern, String file, boolean matches) {
    assertThat(WindowsScriptCheck.matches(pattern, file)).isEqualTo(matches);
  }
}
