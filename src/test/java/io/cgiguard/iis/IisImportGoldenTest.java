package io.cgiguard.iis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The worked example of {@code conf/examples/iis} against its expected translation, through
 * {@link IisImport} itself, which keeps relative {@code --path-map} targets as given (the command
 * makes them absolute). To update the golden file after an intended change, write
 * {@link #translateExample()} to src/test/resources/io/cgiguard/iis/example.toml and review the
 * diff.
 */
class IisImportGoldenTest {

  static final List<Path> EXAMPLE = List.of(
      Path.of("conf/examples/iis/applicationHost.config"),
      Path.of("conf/examples/iis/wwwroot/web.config"));
  static final IisImport.Options OPTIONS = new IisImport.Options(
      List.of(Map.entry("%SystemDrive%\\inetpub\\wwwroot", "conf/examples/iis/wwwroot")),
      List.of(), null);

  static String translateExample() throws IisImportException {
    return TomlConfigWriter.write(IisImport.run(EXAMPLE, OPTIONS),
        EXAMPLE.stream().map(Path::toString).toList());
  }

  @Test
  void exampleTranslatesToTheGoldenConfig() throws Exception {
    assertThat(translateExample()).isEqualTo(golden("example.toml"));
  }

  @Test
  void translationIsTheSameEveryTime() throws Exception {
    assertThat(translateExample()).isEqualTo(translateExample());
  }

  @Test
  void translatedConfigIsValidTomlWithTheSchemaKeys() throws Exception {
    JsonNode toml = new TomlMapper().readTree(translateExample());

    assertThat(toml.at("/server/index-files").toString())
        .isEqualTo("[\"index.pl\",\"index.htm\",\"Default.htm\",\"index.html\"]");
    JsonNode cgiBin = toml.at("/mount/0");
    assertThat(cgiBin.at("/url").asText()).isEqualTo("/cgi-bin/");
    assertThat(cgiBin.at("/dir").asText()).isEqualTo("conf/examples/iis/wwwroot/cgi-bin");
    assertThat(cgiBin.at("/handler/0/path").asText()).isEqualTo("*.pl");
    assertThat(cgiBin.at("/handler/0/script-processor").asText())
        .isEqualTo("/usr/bin/perl %s %s");
    assertThat(cgiBin.at("/handler/0/verbs").toString()).isEqualTo("[\"GET\",\"HEAD\",\"POST\"]");
    assertThat(toml.at("/arguments/search-queries").asBoolean(true)).isFalse();
    assertThat(toml.at("/request/max-url-length").asLong()).isEqualTo(1024);
    assertThat(toml.at("/request/max-body-size").asText()).isEqualTo("1MiB");
    assertThat(toml.at("/request/hidden-segments").toString()).contains("\"private\"");
    assertThat(toml.at("/diagnostics/error-mode").asText()).isEqualTo("detailed");
    assertThat(toml.at("/timeouts/total").asText()).isEqualTo("5m");
    assertThat(toml.at("/restrictions/allowed-programs").toString())
        .isEqualTo("[\"/usr/bin/perl\",\"/usr/bin/python3\"]");
  }

  @Test
  void everyUntranslatedSettingIsACommentWithItsReason() throws Exception {
    ImportedConfig config = IisImport.run(EXAMPLE, OPTIONS);
    String toml = translateExample();

    assertThat(config.notTranslated()).extracting(ImportedConfig.Note::setting)
        .contains("system.webServer/handlers/add[name=PHP-FastCGI]",
            "system.webServer/handlers/add[name=ISAPI-dll]",
            "system.applicationHost/applicationPools",
            "system.webServer/security/authentication",
            "system.webServer/staticContent/clientCache",
            "site Intranet");
    assertThat(config.notTranslated()).extracting(ImportedConfig.Note::setting)
        .noneMatch(setting -> setting.startsWith("handler mappings at /"));
    for (ImportedConfig.Note note : config.notTranslated()) {
      assertThat(note.reason()).startsWith("not translated: ").hasSizeGreaterThan(25);
      assertThat(toml).contains("# - " + note);
    }
    assertThat(config.refused()).isEmpty();
  }

  @Test
  void translatedConfigLoadsAndValidates() throws Exception {
    GatewayConfig config = new ConfigLoader(Path.of(""))
        .parse("example.toml", Optional.empty(), translateExample());

    GatewayConfig.Mount cgiBin = config.mounts().get(0);
    assertThat(cgiBin.url()).isEqualTo("/cgi-bin/");
    assertThat(cgiBin.dir()).isEqualTo(
        Path.of("conf/examples/iis/wwwroot/cgi-bin").toAbsolutePath().normalize());
    assertThat(cgiBin.handlers().get(0).matches("hello.pl")).isTrue();
    assertThat(cgiBin.handlers().get(0).scriptProcessor())
        .containsExactly("/usr/bin/perl", "%s", "%s");
    assertThat(cgiBin.handlers().get(0).verbs()).containsExactlyInAnyOrder("GET", "HEAD", "POST");
    assertThat(config.arguments().searchQueries()).isFalse();
    assertThat(config.diagnostics().errorMode()).isEqualTo(GatewayConfig.ErrorMode.DETAILED);
    assertThat(config.server().indexFiles()).containsExactly("index.pl", "index.htm",
        "Default.htm", "index.html");
    GatewayConfig.Mount site = config.mounts().get(1);
    assertThat(site.url()).isEqualTo("/");
    assertThat(site.mapped()).isTrue();
    assertThat(site.handlers()).extracting(GatewayConfig.HandlerMapping::path)
        .containsExactly("*.pl", "*.py", "counter.cgi");
  }

  static final List<Path> LEGACY =
      List.of(Path.of("src/test/resources/io/cgiguard/iis/legacy/applicationHost.config"));
  static final IisImport.Options LEGACY_OPTIONS = new IisImport.Options(
      List.of(Map.entry("E:\\legacy", "test-scripts/iis/legacy")), List.of(), null);

  @Test
  void legacySampleTranslatesToTheGoldenConfigAndLoads() throws Exception {
    ImportedConfig imported = IisImport.run(LEGACY, LEGACY_OPTIONS);
    String toml = TomlConfigWriter.write(imported, LEGACY.stream().map(Path::toString).toList());

    assertThat(toml).isEqualTo(golden("legacy.toml"));
    assertThat(imported.refused()).extracting(ImportedConfig.Note::setting).containsExactly(
        "system.webServer/handlers/add[name=Batch]",
        "system.webServer/handlers/add[name=PerlTaint]");
    GatewayConfig config = new ConfigLoader(Path.of(""))
        .parse("legacy.toml", Optional.empty(), toml);
    assertThat(config.mounts()).extracting(GatewayConfig.Mount::url)
        .containsExactly("/scripts/admin/", "/scripts/", "/");
    assertThat(config.mounts()).allSatisfy(m -> assertThat(m.mapped()).isTrue());
    assertThat(config.mounts().get(0).handlers()).as("admin/ removes the Perl mapping").isEmpty();
    assertThat(config.mounts().get(1).allowedMethods())
        .containsExactlyInAnyOrder("GET", "HEAD", "POST");
    assertThat(config.site().iisCompat().enabled()).isTrue();
    assertThat(config.site().iisCompat().siteId()).isEqualTo(3);
    assertThat(config.request().allowedExtensions()).containsExactly(".pl", ".htm");
    assertThat(config.server().indexFiles()).isEmpty();
    assertThat(config.restrictions().allowedPrograms()).isEmpty();
  }

  static String golden(String name) throws IOException {
    try (InputStream in = IisImportGoldenTest.class.getResourceAsStream(name)) {
      assertThat(in).as("golden file %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
