package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ImportIisCommandTest {

  static final String HOST = "conf/examples/iis/applicationHost.config";
  static final String WEB = "conf/examples/iis/wwwroot/web.config";
  static final String MAP = "%SystemDrive%\\inetpub\\wwwroot=conf/examples/iis/wwwroot";

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new ImportIisCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void writesTheConfigAndListsWhatWasNotTranslated() throws IOException {
    Path target = dir.resolve("imported.toml");

    int status = run(HOST, WEB, "--path-map", MAP, "--out", target.toString());

    assertThat(status).isZero();
    assertThat(Files.readString(target)).contains("[[mount.handler]]\npath = \"*.pl\"\n");
    assertThat(err.toString()).contains("import-iis: ")
        .contains("add[name=PHP-FastCGI]: not translated: module FastCgiModule");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anOutThatCannotBeWrittenSaysWhyAndIsABadCommandLine() throws IOException {
    Path missing = dir.resolve("absent/imported.toml");

    int status = run(HOST, WEB, "--path-map", MAP, "--out", missing.toString());
    int onDirectory = run(HOST, WEB, "--path-map", MAP, "--out", dir.toString());

    assertThat(status).isEqualTo(2);
    assertThat(onDirectory).isEqualTo(2);
    assertThat(err.toString().lines().toList()).containsExactly(
        "import-iis: --out: cannot write " + missing + ": the directory " + missing.getParent()
            + " does not exist",
        "import-iis: --out: " + dir + " is a directory; give a file name");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aRelativePathMapTargetIsWrittenAbsoluteAndSaidSo() {
    int status = run(HOST, WEB, "--path-map", MAP);
    String absolute = Path.of("conf/examples/iis/wwwroot").toAbsolutePath().normalize()
        .toString();

    assertThat(status).isZero();
    assertThat(out.toString()).contains("docroot = \"" + absolute + "\"\n")
        .contains("dir = \"" + absolute + "/cgi-bin\"\n");
    assertThat(err.toString()).contains("--path-map target 'conf/examples/iis/wwwroot' is "
        + "relative; written as " + absolute);
  }

  @Test
  void writesToStandardOutputWithoutOut() {
    int status = run(HOST, WEB, "--path-map", MAP);

    assertThat(status).isZero();
    assertThat(out.toString()).startsWith("# cgiguard configuration imported from IIS");
  }

  @Test
  void malformedXmlIsOneLineNamingFileLineAndColumn() throws IOException {
    Path bad = Files.writeString(dir.resolve("applicationHost.config"),
        "<configuration>\n<system.webServer>\n</configuration>\n");

    int status = run(bad.toString());

    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).startsWith("import-iis: " + bad + ":3:")
        .contains("malformed XML").hasLineCount(1);
  }

  @Test
  void aDtdIsRefusedWithAClearMessage() throws IOException {
    Path dtd = Files.writeString(dir.resolve("web.config"), "<?xml version=\"1.0\"?>\n"
        + "<!DOCTYPE configuration [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        + "<configuration>&x;</configuration>");

    int status = run(HOST, dtd.toString(), "--path-map", MAP);

    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).contains(dtd + ":2:").contains("refused: the file has a DTD")
        .doesNotContain("root:");
  }

  @Test
  void refusedHandlersAreWrittenAroundAndExitThree() throws IOException {
    Path host = Files.writeString(dir.resolve("applicationHost.config"), "<configuration>"
        + "<system.applicationHost><sites><site name=\"S\"><application path=\"/\">"
        + "<virtualDirectory path=\"/\" physicalPath=\"C:\\www\"/></application></site></sites>"
        + "</system.applicationHost><system.webServer><handlers><add name=\"Bat\" path=\"*.bat\" "
        + "verb=\"*\" modules=\"CgiModule\" scriptProcessor=\"cmd.exe /c %s\"/></handlers>"
        + "</system.webServer></configuration>");

    int status = run(host.toString(), "--path-map", "C:\\www=" + dir);

    assertThat(status).isEqualTo(3);
    assertThat(err.toString()).contains("add[name=Bat]: refused: ").contains("CVE-2019-0232");
    assertThat(out.toString()).contains("# Refused (1):");
  }

  /**
   * Without a --path-map covering the site, the config it writes serves none of it: a script
   * chaining the import and the server must hear so from the exit status, not only on stderr.
   */
  @Test
  void aSiteNoPathMapCoversIsWrittenButExitsThree() throws IOException {
    Path target = dir.resolve("imported.toml");

    int status = run(HOST, "--out", target.toString());

    assertThat(status).isEqualTo(3);
    assertThat(err.toString()).contains("site Default Web Site physicalPath "
        + "%SystemDrive%\\inetpub\\wwwroot: left out: no --path-map covers it")
        .contains("mount /cgi-bin: left out: no --path-map covers its physical path");
    assertThat(Files.readString(target)).contains("# Left out (2):")
        .doesNotContain("\n[[mount]]\n");
  }

  @Test
  void siteChoosesAnotherSiteAndListsTheFirst() {
    int status = run(HOST, "--site", "intranet", "--path-map", "D:\\sites\\intranet=" + dir);

    assertThat(status).isZero();
    assertThat(out.toString()).contains("# Site: Intranet\n").contains("port = 8081\n")
        .contains("docroot = \"" + dir + "\"\n");
    assertThat(err.toString()).contains("site Default Web Site: not translated: cgiguard serves "
        + "one site; import this one with --site \"Default Web Site\"");
  }

  @Test
  void anUnknownSiteIsAReadError() {
    int status = run(HOST, "--site", "Nope");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("import-iis: " + HOST + ": no site named 'Nope'; its "
        + "sites are 'Default Web Site', 'Intranet'" + System.lineSeparator());
  }

  @Test
  void aPathMapWithoutEqualsIsABadCommandLine() {
    int status = run(HOST, "--path-map", "C:\\inetpub");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--path-map: expected WINDOWS_PREFIX=LINUX_PREFIX");
  }

  @Test
  void anInterpreterWithoutEqualsNamesItsOwnForm() {
    int status = run(HOST, "--interpreter", "perl.exe");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--interpreter: expected WINDOWS=LINUX, got 'perl.exe'")
        .doesNotContain("PREFIX");
  }
}
