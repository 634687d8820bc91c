package io.cgiguard.iis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathMapTest {

  private final PathMap map = new PathMap(List.of(
      Map.entry("C:\\inetpub", "/srv/iis"),
      Map.entry("C:\\inetpub\\wwwroot", "/srv/www/"),
      Map.entry("D:\\data", "/data")));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "C:\\inetpub\\wwwroot                | /srv/www/",
      "c:\\INETPUB\\wwwroot\\cgi-bin        | /srv/www/cgi-bin",
      "%SystemDrive%\\inetpub\\wwwroot\\a\\b | /srv/www/a/b",
      "C:/inetpub/logs                     | /srv/iis/logs",
      "C:\\inetpub\\                       | /srv/iis",
      "D:\\data\\x                          | /data/x",
      "C:\\inetpub2\\x                      | ''",
      "E:\\elsewhere                       | ''"})
  void longestPrefixWinsAtASeparator(String windows, String linux) {
    assertThat(map.translate(windows).orElse("")).isEqualTo(linux);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "C:\\inetpub\\wwwroot\\..\\..\\..\\..\\etc   | ''",
      "C:\\inetpub\\wwwroot\\..\\..\\etc            | ''",
      "C:\\inetpub\\wwwroot\\..\\..\\inetpub\\x     | /srv/iis/x",
      "C:\\inetpub\\wwwroot\\a\\..\\b\\.\\c         | /srv/www/b/c",
      "C:\\inetpub\\wwwroot\\..                   | /srv/iis",
      "C:/inetpub/wwwroot/../../../etc            | ''",
      "..\\..\\etc                                | ''",
      "\\\\server\\share\\..\\..\\etc              | ''",
      "\\\\server\\share\\a\\..\\b                 | /mnt/share/b"})
  void dotSegmentsAreResolvedBeforeMatchingSoNoPathLeavesItsMapping(String windows,
      String linux) {
    PathMap withShare = new PathMap(List.of(Map.entry("C:\\inetpub", "/srv/iis"),
        Map.entry("C:\\inetpub\\wwwroot", "/srv/www/"),
        Map.entry("\\\\server\\share", "/mnt/share")));

    assertThat(withShare.translate(windows).orElse("")).isEqualTo(linux);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "00:15:00         | PT15M",
      "00:00:30         | PT30S",
      "1.02:00:00       | PT26H",
      "00:00:01.5       | PT1.5S",
      "0:5:0            | PT5M"})
  void readsDotNetTimeSpans(String text, String expected) {
    assertThat(SectionTranslation.timeSpan(text)).contains(Duration.parse(expected));
  }

  @ParameterizedTest
  @CsvSource({"15m", "00:15", "PT15M", "-00:01:00"})
  void refusesWhatIsNotATimeSpan(String text) {
    assertThat(SectionTranslation.timeSpan(text)).isEmpty();
  }
}
