package io.cgiguard.iis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import's behaviours on small configurations written for one behaviour each. */
class IisImportTest {

  @TempDir
  Path dir;
  Path host;
  Path root;

  @BeforeEach
  void writeServer() throws IOException {
    root = Files.createDirectories(dir.resolve("wwwroot"));
    Files.createDirectories(root.resolve("cgi-bin/old"));
    host = dir.resolve("applicationHost.config");
  }

  private void server(String webServer, String locations) throws IOException {
    Files.writeString(host, "<configuration><system.applicationHost><sites>"
        + "<site name=\"S\" id=\"1\"><application path=\"/\">"
        + "<virtualDirectory path=\"/\" physicalPath=\"C:\\www\" />"
        + "<virtualDirectory path=\"/cgi-bin\" physicalPath=\"C:\\www\\cgi-bin\" />"
        + "</application><bindings><binding protocol=\"http\" bindingInformation=\"*:8080:\"/>"
        + "</bindings></site></sites></system.applicationHost>"
        + "<system.webServer>" + webServer + "</system.webServer>" + locations
        + "</configuration>");
  }

  private Path webConfig(String folder, String webServer) throws IOException {
    return Files.writeString(root.resolve(folder).resolve("web.config"),
        "<configuration><system.webServer>" + webServer + "</system.webServer></configuration>");
  }

  private ImportedConfig run(Path... files) throws IisImportException {
    return run(List.of(), files);
  }

  private ImportedConfig run(List<Map.Entry<String, String>> interpreters, Path... files)
      throws IisImportException {
    return IisImport.run(List.of(files), new IisImport.Options(
        List.of(Map.entry("C:\\www", root.toString())), interpreters, null));
  }

  private static String handler(String name, String path, String processor) {
    return "<add name=\"" + name + "\" path=\"" + path + "\" verb=\"GET,POST\" "
        + "modules=\"CgiModule\" scriptProcessor=\"" + processor + "\" />";
  }

  private static final String PERL = handler("Perl", "*.pl", "C:\\Perl\\bin\\perl.exe %s");

  @Test
  void aFolderWebConfigClearsInheritedHandlersForItsFolderOnly() throws Exception {
    server("<handlers>" + PERL + "</handlers>", "");
    Path folder = webConfig("cgi-bin/old", "<handlers><clear/>"
        + handler("Legacy", "*.cgi", "C:\\Perl\\bin\\perl.exe &quot;%s&quot;") + "</handlers>");

    ImportedConfig config = run(host, folder);

    assertThat(config.mounts()).extracting(ImportedConfig.Mount::url)
        .containsExactly("/cgi-bin/old/", "/cgi-bin/", "/");
    assertThat(config.mounts().get(0).handlers()).extracting(ImportedConfig.Handler::path)
        .containsExactly("*.cgi");
    assertThat(config.mounts().get(0).dir()).isEqualTo(root + "/cgi-bin/old");
    assertThat(config.mounts().get(1).handlers()).extracting(ImportedConfig.Handler::path)
        .containsExactly("*.pl");
  }

  @Test
  void aFolderWhoseAccessPolicyIsReadRunsNoScriptMapping() throws Exception {
    server("<handlers accessPolicy=\"Read, Script\">" + PERL
        + handler("PerlX", "*.plx", "C:\\Perl\\bin\\perl.exe %s") + "</handlers>", "");
    Path uploads = webConfig("cgi-bin/old", "<handlers accessPolicy=\"Read\"/>");

    ImportedConfig config = run(host, uploads);

    ImportedConfig.Mount folder = config.mounts().get(0);
    assertThat(folder.url()).isEqualTo("/cgi-bin/old/");
    assertThat(folder.handlers()).isEmpty();
    assertThat(config.mounts().get(1).handlers()).extracting(ImportedConfig.Handler::name)
        .containsExactly("Perl", "PerlX");
    assertThat(config.notTranslated()).anySatisfy(n -> {
      assertThat(n.setting()).isEqualTo("system.webServer/handlers/add[name=Perl]");
      assertThat(n.reason()).contains("IIS disables it at /cgi-bin/old: it requires Script "
          + "access, which accessPolicy \"Read\" does not grant");
    });
    // The folder serves its files statically, but never a .plx as its source.
    assertThat(config.refuseExtensions()).contains(".pl", ".plx");
  }

  @Test
  void anExecuteMappingDoesNotRunUnderAReadScriptPolicy() throws Exception {
    server("<handlers accessPolicy=\"Read, Script\">" + PERL + "<add name=\"Exe\" path=\"*.cgi\" "
        + "verb=\"*\" modules=\"CgiModule\" requireAccess=\"Execute\" "
        + "scriptProcessor=\"C:\\Perl\\bin\\perl.exe %s\"/></handlers>", "");

    ImportedConfig config = run(host);

    assertThat(config.mounts().get(0).handlers()).extracting(ImportedConfig.Handler::name)
        .containsExactly("Perl");
    assertThat(config.notTranslated()).anySatisfy(n -> assertThat(n.reason())
        .contains("it requires Execute access, which accessPolicy \"Read, Script\" does not"));
    assertThat(AccessPolicy.parse("Read, Script, NoRemoteScript").disables("Script"))
        .hasValueSatisfying(why -> assertThat(why).contains("NoRemoteScript"));
    assertThat(AccessPolicy.parse("513").disables("Script")).isEmpty();
  }

  @Test
  void onlyExtensionsWithAMimeMapOrAMappingAreAllowed() throws Exception {
    server("<handlers>" + PERL + "</handlers><staticContent><clear/>"
        + "<mimeMap fileExtension=\".htm\" mimeType=\"text/html\"/>"
        + "<mimeMap fileExtension=\".JPG\" mimeType=\"image/jpeg\"/></staticContent>", "");
    Path site = webConfig("", "<staticContent><mimeMap fileExtension=\".txt\" "
        + "mimeType=\"text/plain\"/><remove fileExtension=\".jpg\"/></staticContent>");

    ImportedConfig config = run(host, site);

    assertThat(config.request().allowedExtensions()).containsExactly(".htm", ".txt", ".pl");
  }

  @Test
  void withoutAMimeMapListIisShippedCommonTypesStandInAndAStarAllowsAll() throws Exception {
    server("<handlers>" + PERL + "</handlers>", "");

    List<String> allowed = run(host).request().allowedExtensions();

    assertThat(allowed).contains(".html", ".css", ".png", ".pl")
        .doesNotContain(".inc", ".pm", ".config", ".asp");
    server("<handlers>" + PERL + "</handlers><staticContent>"
        + "<mimeMap fileExtension=\"*\" mimeType=\"application/octet-stream\"/>"
        + "</staticContent>", "");
    assertThat(run(host).request().allowedExtensions()).isEmpty();
  }

  @Test
  void aPhysicalPathThatClimbsOutOfItsMappingIsNotCovered() throws Exception {
    Files.writeString(host, "<configuration><system.applicationHost><sites>"
        + "<site name=\"S\" id=\"1\"><application path=\"/\">"
        + "<virtualDirectory path=\"/\" physicalPath=\"C:\\www\" />"
        + "<virtualDirectory path=\"/etc\" physicalPath=\"C:\\www\\..\\..\\..\\..\\etc\" />"
        + "</application></site></sites></system.applicationHost><system.webServer><handlers>"
        + PERL + "</handlers></system.webServer></configuration>");

    ImportedConfig config = run(host);

    assertThat(config.mounts()).extracting(ImportedConfig.Mount::url).containsExactly("/");
    assertThat(config.mounts()).noneMatch(m -> m.dir().contains(".."));
    assertThat(config.leftOut()).singleElement().satisfies(n -> {
      assertThat(n.setting()).isEqualTo("mount /etc");
      assertThat(n.reason()).startsWith("left out: no --path-map covers its physical path");
    });
  }

  @Test
  void aMappingWhoseProgramIisRefusesIsNotWrittenAndNoProgramMayStart() throws Exception {
    server("<handlers>" + handler("Perl", "*.pl", "C:\\Perl\\bin\\perl.exe &quot;%s&quot;")
        + handler("Php", "*.php", "C:\\PHP\\php-cgi.exe %s") + "</handlers><security>"
        + "<isapiCgiRestriction notListedCgisAllowed=\"false\">"
        + "<add path=\"C:\\Perl\\bin\\perl.exe &quot;%s&quot;\" allowed=\"false\"/>"
        + "</isapiCgiRestriction></security>", "");

    ImportedConfig config = run(host);
    String toml = TomlConfigWriter.write(config, List.of("x"));

    assertThat(config.mounts()).allSatisfy(m -> assertThat(m.handlers()).isEmpty());
    assertThat(config.notTranslated()).anySatisfy(n -> assertThat(n.reason())
        .contains("(404.2): isapiCgiRestriction lists it with allowed=\"false\""));
    assertThat(config.notTranslated()).anySatisfy(n -> assertThat(n.reason())
        .contains("(404.2): isapiCgiRestriction does not list it"));
    assertThat(config.allowedPrograms()).containsExactly("/dev/null");
    assertThat(toml).contains("allowed-programs = [\"/dev/null\"]");
  }

  @Test
  void aMappingWhoseProgramIisAllowsIsWrittenAndItsInterpreterAllowed() throws Exception {
    server("<handlers>" + handler("Perl", "*.pl", "C:\\Perl\\bin\\perl.exe &quot;%s&quot;")
        + handler("Php", "*.php", "C:\\PHP\\php-cgi.exe %s") + "</handlers><security>"
        + "<isapiCgiRestriction notListedCgisAllowed=\"false\">"
        + "<add path=\"c:\\perl\\bin\\perl.exe  &quot;%s&quot;\" allowed=\"true\"/>"
        + "</isapiCgiRestriction></security>", "");

    ImportedConfig config = run(host);

    assertThat(config.mounts().get(0).handlers()).extracting(ImportedConfig.Handler::name)
        .containsExactly("Perl");
    assertThat(config.allowedPrograms()).containsExactly("/usr/bin/perl");
  }

  @Test
  void anIpv6BindingKeepsItsAddressAndPortAndAHostNameIsListed() throws Exception {
    server("", "");
    Files.writeString(host, Files.readString(host).replace("*:8080:", "[::1]:8081:"));

    ImportedConfig v6 = run(host);

    assertThat(v6.server().bind()).isEqualTo("::1");
    assertThat(v6.server().port()).isEqualTo(8081);
    Files.writeString(host, Files.readString(host).replace("[::1]:8081:",
        "*:80:shop.example.com"));
    ImportedConfig named = run(host);
    assertThat(named.server().bind()).isEqualTo("0.0.0.0");
    assertThat(named.server().port()).isEqualTo(80);
    assertThat(named.notTranslated()).anySatisfy(n -> assertThat(n.reason())
        .contains("host name shop.example.com"));
  }

  @Test
  void aLocationForOneFileIsListedRatherThanMadeAMount() throws Exception {
    Files.writeString(root.resolve("cgi-bin/report.pl"), "print 1;\n");
    server("<handlers>" + PERL + "</handlers>", "<location path=\"S/cgi-bin/report.pl\">"
        + "<system.webServer><handlers><remove name=\"Perl\"/></handlers></system.webServer>"
        + "</location><location path=\"S/cgi-bin/gone.pl\"><system.webServer><handlers>"
        + "<remove name=\"Perl\"/></handlers></system.webServer></location>");

    ImportedConfig config = run(host);

    assertThat(config.mounts()).extracting(ImportedConfig.Mount::url)
        .containsExactly("/cgi-bin/", "/");
    assertThat(config.notTranslated()).anySatisfy(n -> {
      assertThat(n.setting()).isEqualTo("<location path=\"S/cgi-bin/report.pl\">");
      assertThat(n.reason()).contains("it names one file");
    });
    assertThat(config.notTranslated()).anySatisfy(n -> assertThat(n.setting())
        .isEqualTo("<location path=\"S/cgi-bin/gone.pl\">"));
    assertThat(config.notTranslated()).anySatisfy(n -> {
      assertThat(n.origin()).contains("<location path=\"S/cgi-bin/report.pl\">");
      assertThat(n.setting()).isEqualTo("system.webServer/handlers");
    });
  }

  @Test
  void aStaticVirtualDirectoryElsewhereGetsAStaticMount() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    Files.writeString(host, "<configuration><system.applicationHost><sites>"
        + "<site name=\"S\" id=\"1\"><application path=\"/\">"
        + "<virtualDirectory path=\"/\" physicalPath=\"C:\\www\" />"
        + "<virtualDirectory path=\"/cgi-bin\" physicalPath=\"C:\\www\\cgi-bin\" />"
        + "<virtualDirectory path=\"/static\" physicalPath=\"E:\\media\" />"
        + "</application></site></sites></system.applicationHost></configuration>");

    ImportedConfig config = IisImport.run(List.of(host), new IisImport.Options(List.of(
        Map.entry("C:\\www", root.toString()), Map.entry("E:\\media", media.toString())),
        List.of(), null));

    // /cgi-bin is where the docroot would find it anyway: no mount needed.
    assertThat(config.mounts()).extracting(ImportedConfig.Mount::url).containsExactly("/static/");
    assertThat(config.mounts().get(0).dir()).isEqualTo(media.toString());
    assertThat(config.mounts().get(0).handlers()).isEmpty();
  }

  @Test
  void theDeeperWebConfigWinsWhateverTheCommandLineOrder() throws Exception {
    server("<handlers accessPolicy=\"Read, Script\">" + PERL + "</handlers>", "");
    Path site = Files.writeString(root.resolve("web.config"), "<configuration><location path=\"cgi-bin/old\"><system.webServer>"
        + "<handlers accessPolicy=\"Read\"/></system.webServer></location></configuration>");
    Path folder = webConfig("cgi-bin/old", "<handlers accessPolicy=\"Read, Script\"/>");

    for (Path[] order : List.of(new Path[] {host, site, folder},
        new Path[] {host, folder, site})) {
      ImportedConfig config = run(order);

      assertThat(config.mounts()).filteredOn(m -> m.url().equals("/cgi-bin/old/"))
          .singleElement().satisfies(m -> assertThat(m.handlers())
              .extracting(ImportedConfig.Handler::name).containsExactly("Perl"));
    }
  }

  @Test
  void aSiteLevelMappingBecomesAMappedMountAtTheSiteRoot() throws Exception {
    server("<handlers>" + PERL + "</handlers>", "");

    ImportedConfig config = run(host);

    assertThat(config.mounts()).extracting(ImportedConfig.Mount::url)
        .containsExactly("/cgi-bin/", "/");
    assertThat(config.mounts().get(1).handlers()).extracting(ImportedConfig.Handler::path)
        .containsExactly("*.pl");
    assertThat(config.notTranslated()).noneSatisfy(
        n -> assertThat(n.setting()).startsWith("handler mappings at /"));
    assertThat(TomlConfigWriter.write(config, List.of())).contains("execution = \"mapped\"")
        .contains("[iis-compat]").contains("enabled = true");
  }

  @Test
  void aFolderThatRemovesTheMappingsBelowAMountServesItsFilesStatically() throws Exception {
    server("<handlers>" + PERL + "</handlers>", "<location path=\"S/cgi-bin/old\">"
        + "<system.webServer><handlers><remove name=\"Perl\"/></handlers></system.webServer>"
        + "</location>");

    ImportedConfig config = run(host);

    // A mount of its own with no mappings: every file of the folder is static there.
    assertThat(config.mounts()).extracting(ImportedConfig.Mount::url)
        .contains("/cgi-bin/old/", "/cgi-bin/");
    assertThat(config.mounts().stream().filter(m -> m.url().equals("/cgi-bin/old/")).findFirst()
        .orElseThrow().handlers()).isEmpty();
  }

  @Test
  void aHandlerPathWithAFolderIsNotTranslated() throws Exception {
    server("<handlers>" + PERL + handler("Sub", "sub/*.pl", "C:\\Perl\\bin\\perl.exe %s")
        + "</handlers>", "");

    ImportedConfig config = run(host);

    assertThat(config.mounts().get(0).handlers()).extracting(ImportedConfig.Handler::name)
        .containsExactly("Perl");
    assertThat(config.notTranslated()).anySatisfy(
        n -> assertThat(n.reason()).contains("'sub/*.pl' names a folder"));
  }

  @Test
  void aSiteLocationHandlerComesBeforeTheServerOnes() throws Exception {
    server("<handlers>" + PERL + "</handlers>", "<location path=\"S/cgi-bin\"><system.webServer>"
        + "<handlers>" + handler("Py", "*.py", "C:\\Python\\python.exe %s")
        + "</handlers></system.webServer></location>");

    ImportedConfig config = run(host);

    assertThat(config.mounts().get(0).handlers()).extracting(ImportedConfig.Handler::name)
        .containsExactly("Py", "Perl");
  }

  @Test
  void aRemovedHandlerIsNeitherTranslatedNorListed() throws Exception {
    server("<handlers>" + PERL + "</handlers>", "");
    Path site = webConfig("", "<handlers><remove name=\"PERL\"/></handlers>");

    ImportedConfig config = run(host, site);

    assertThat(config.mounts()).isEmpty();
    assertThat(config.notTranslated()).noneMatch(n -> n.setting().contains("Perl"));
  }

  @Test
  void anUnsupportedModuleIsListedAsNotTranslated() throws Exception {
    server("<handlers>" + PERL + "<add name=\"PHP\" path=\"*.php\" verb=\"*\" "
        + "modules=\"FastCgiModule\" scriptProcessor=\"C:\\php\\php-cgi.exe\"/></handlers>", "");

    ImportedConfig config = run(host);

    assertThat(config.notTranslated()).anySatisfy(n -> {
      assertThat(n.setting()).isEqualTo("system.webServer/handlers/add[name=PHP]");
      assertThat(n.reason()).contains("module FastCgiModule is not supported");
    });
  }

  @Test
  void aForbiddenTemplateIsRefusedWithItsReason() throws Exception {
    server("<handlers>" + PERL + handler("Bat", "*.bat", "C:\\Windows\\System32\\cmd.exe /c %s")
        + handler("Flags", "*.plx", "C:\\Perl\\bin\\perl.exe -x %s") + "</handlers>", "");

    ImportedConfig config = run(host);

    assertThat(config.refused()).extracting(ImportedConfig.Note::setting).containsExactly(
        "system.webServer/handlers/add[name=Bat]", "system.webServer/handlers/add[name=Flags]");
    assertThat(config.refused().get(0).reason()).contains("CVE-2019-0232");
    assertThat(config.refused().get(1).reason()).contains("found '-x %s'");
    assertThat(config.mounts().get(0).handlers()).extracting(ImportedConfig.Handler::name)
        .containsExactly("Perl");
  }

  @Test
  void aSecondPlaceholderAsksForArgumentsWhichStayOff() throws Exception {
    server("<handlers>" + handler("Perl", "*.pl", "C:\\Perl\\bin\\perl.exe &quot;%s&quot; %s")
        + "</handlers>", "");

    ImportedConfig config = run(host);
    String toml = TomlConfigWriter.write(config, List.of("x"));

    assertThat(config.argumentsRequested()).isTrue();
    assertThat(config.mounts().get(0).handlers().get(0).scriptProcessor())
        .isEqualTo("/usr/bin/perl %s %s");
    assertThat(toml).contains("[arguments]\n").contains("search-queries = false\n");
  }

  @Test
  void anUnknownInterpreterNeedsAnOverride() throws Exception {
    server("<handlers>" + handler("Rb", "*.rb", "C:\\Ruby\\bin\\ruby.exe %s") + "</handlers>",
        "");

    assertThat(run(host).notTranslated()).anySatisfy(
        n -> assertThat(n.reason()).contains("give --interpreter ruby.exe="));
    ImportedConfig overridden = run(List.of(Map.entry("ruby.exe", "/usr/bin/ruby")), host);
    assertThat(overridden.mounts().get(0).handlers().get(0).scriptProcessor())
        .isEqualTo("/usr/bin/ruby %s");
  }

  @Test
  void requestFilteringBecomesRequestLimitsAndMethods() throws Exception {
    server("<handlers>" + PERL + "</handlers><security><requestFiltering>"
        + "<requestLimits maxUrl=\"300\" />"
        + "<fileExtensions allowUnlisted=\"false\"><add fileExtension=\".pl\" allowed=\"true\"/>"
        + "<add fileExtension=\".bak\" allowed=\"false\"/></fileExtensions>"
        + "<verbs allowUnlisted=\"false\"><add verb=\"GET\" allowed=\"true\"/>"
        + "<add verb=\"POST\" allowed=\"true\"/></verbs></requestFiltering></security>", "");

    ImportedConfig config = run(host);

    assertThat(config.request()).isEqualTo(new ImportedConfig.Request(300, 2048, 30_000_000,
        List.of(".bak", ".old", ".orig", ".swp", ".tmp", "~"), List.of(".pl"),
        SectionTranslation.DEFAULT_HIDDEN_SEGMENTS, List.of()));
    assertThat(config.mounts().get(0).allowedMethods()).containsExactly("GET", "POST");
  }

  @Test
  void schemaDefaultsApplyWhenTheFilesAreSilent() throws Exception {
    server("", "");

    ImportedConfig config = run(host);

    assertThat(config.errorMode()).isEqualTo("detailed-local-only");
    assertThat(config.totalTimeout()).hasMinutes(15);
    assertThat(config.request().maxQueryLength()).isEqualTo(2048);
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.server().indexFiles()).isNull();
    assertThat(config.allowedPrograms()).isNull();
    // Without requestFiltering, cgiguard's own lists stay in force.
    assertThat(config.request().hiddenSegments()).contains(".git", ".env", ".htaccess");
    assertThat(config.request().deniedExtensions()).contains(".bak", "~");
  }

  @Test
  void aServerWideSectionSetBelowTheSiteRootIsListed() throws Exception {
    server("", "<location path=\"S/cgi-bin\" inheritInChildApplications=\"false\">"
        + "<system.webServer><cgi timeout=\"00:00:10\"/>"
        + "</system.webServer></location><location path=\"Other\"><system.webServer>"
        + "<httpErrors errorMode=\"Detailed\"/></system.webServer></location>");

    ImportedConfig config = run(host);

    assertThat(config.totalTimeout()).hasMinutes(15);
    assertThat(config.errorMode()).isEqualTo("detailed-local-only");
    assertThat(config.notTranslated()).extracting(ImportedConfig.Note::reason).contains(
        "not translated: set only for /cgi-bin, while cgiguard applies this section to the "
            + "whole server",
        "not translated: belongs to site Other, which was not imported (cgiguard serves one "
            + "site; choose it with --site)",
        "not translated: cgiguard has no application boundary: mounts below still inherit "
            + "these settings");
  }

  @Test
  void customErrorsKeepDetailsLocalAndDisabledDefaultDocumentsGiveNoIndexFiles() throws Exception {
    server("<httpErrors errorMode=\"Custom\"><error statusCode=\"502\" path=\"502.htm\"/>"
        + "</httpErrors><defaultDocument enabled=\"false\"><files><add value=\"a.htm\"/>"
        + "</files></defaultDocument>", "");

    ImportedConfig config = run(host);

    assertThat(config.errorMode()).isEqualTo("detailed-local-only");
    assertThat(config.notTranslated()).anySatisfy(n -> assertThat(n.reason())
        .contains("Custom needs [diagnostics] custom-page"));
    assertThat(config.server().indexFiles()).isEmpty();
    assertThat(config.notTranslated()).anySatisfy(n -> assertThat(n.reason())
        .contains("cgiguard has one page for every status"));
  }

  @Test
  void aWebConfigOutsideTheSiteIsRefused() throws Exception {
    server("", "");
    Path stray = Files.writeString(dir.resolve("web.config"), "<configuration/>");

    assertThatThrownBy(() -> run(host, stray)).isInstanceOf(IisImportException.class)
        .hasMessageContaining("lies under no virtual directory of site 'S'");
  }

  @Test
  void anApplicationHostConfigIsRequired() throws Exception {
    Path site = webConfig("", "");

    assertThatThrownBy(() -> run(site)).isInstanceOf(IisImportException.class)
        .hasMessageContaining("no applicationHost.config among the inputs");
  }

  @Test
  void aFileThatIsNotIisConfigurationIsRefused() throws Exception {
    Path pom = Files.writeString(dir.resolve("pom.xml"), "<project/>");

    assertThatThrownBy(() -> run(pom)).isInstanceOf(IisImportException.class)
        .hasMessage(pom + ": not an IIS configuration file (its root element is <project>, not "
            + "<configuration>)");
  }
}
