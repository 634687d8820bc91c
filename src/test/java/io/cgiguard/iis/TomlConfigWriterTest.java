package io.cgiguard.iis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TomlConfigWriterTest {

  @ParameterizedTest
  @ValueSource(strings = {"plain", "C:\\Perl64\\bin\\perl.exe \"%s\" %s", "two\nlines",
      "tab\there", "bell\u0007", "quote \" and backslash \\", "ünïcödé", "# not a comment"})
  void anyStringSurvivesQuotingAsTheSameValue(String value) throws Exception {
    String toml = "key = " + TomlConfigWriter.quote(value) + "\n";

    assertThat(new TomlMapper().readTree(toml).get("key").asText()).isEqualTo(value);
  }

  @Test
  void aLineBreakInANoteCannotEndItsCommentEarly() throws Exception {
    ImportedConfig config = new ImportedConfig("S",
        new ImportedConfig.Server(null, null, null, null, "nobody", "why"), List.of(), null,
        false, null, new ImportedConfig.Request(1, 1, 1, List.of(), List.of(), List.of(),
            List.of()), null, null,
        List.of(new ImportedConfig.Note("web.config", "x", "a\n[server]\nport = 1")), List.of(),
        List.of(), new ImportedConfig.IisCompat(1, List.of("/")));

    String toml = TomlConfigWriter.write(config, List.of("a\nb"));

    assertThat(new TomlMapper().readTree(toml).at("/server/port").isMissingNode()).isTrue();
    assertThat(toml).contains("# - web.config: x: a [server] port = 1\n");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"PT15M, 15m", "PT24H, 24h", "PT90S, 90s", "PT1.5S, 1500ms", "PT0S, 0s",
      "PT2H30M, 150m"})
  void durationsUseTheLargestExactUnit(String duration, String text) {
    assertThat(TomlConfigWriter.duration(Duration.parse(duration))).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"30000000, 30000000B", "1048576, 1MiB", "1073741824, 1GiB", "4096, 4KiB",
      "1536, 1536B", "0, 0B"})
  void sizesUseTheLargestExactBinaryUnit(long bytes, String text) {
    assertThat(TomlConfigWriter.size(bytes)).isEqualTo(text);
  }
}
