package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.http.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cgiguard check} says, for every file, whether and how it would run. */
class CheckFileRolesTest {

  static final Path SITES = TestGateway.PROJECT.resolve("test-scripts/sites");

  @TempDir Path dir;

  @Test
  void everyFileIsNamedWithHowItRunsOrWhyNot() throws Exception {
    // run-as root: whether the run-as user may reach the checkout is CheckRunAsTest's concern.
    Path toml = Files.writeString(dir.resolve("site.toml"), """
        [server]
        run-as = "root"
        docroot = "%s"
        [[mount]]
        url = "/plain/"
        dir = "%s"
        [[mount]]
        url = "/"
        dir = "%s"
        execution = "mapped"
        [[mount.handler]]
        path = "*.pl"
        script-processor = "/usr/bin/perl %%s"
        """.formatted(TestGateway.PROJECT.resolve("test-scripts/docroot"),
        SITES.resolve("noexec"), SITES.resolve("mapped")));
    Printed checked = Printed.check(toml);
    String report = checked.text();

    assertThat(report).contains("noexec/noexec.pl: refused (403): noexec.pl has no execute bit",
        "noexec/noexec.py: refused (403): noexec.py has no execute bit",
        "mapped/app/report.pl: runs: mapping *.pl (/usr/bin/perl ",
        "mapped/app/notes.txt: static file",
        "mapped/app/tool.py: never served (403): a .py file is a script",
        "mapped/app/run-me: never served (403): the file has an execute bit",
        "docroot/static.txt: static file",
        "2 problem(s) found");
    assertThat(checked.status()).as(report).isEqualTo(1);
  }

  @Test
  void aLinkIsNeverServedWhenTheGatewayWouldRefuseTheFileItLeadsTo() throws Exception {
    Path docroot = Files.createDirectories(dir.resolve("docroot"));
    Files.writeString(docroot.resolve("s.pl"), "print 1;\n");
    Files.createSymbolicLink(docroot.resolve("link-to-pl.txt"), Path.of("s.pl"));
    Path site = Files.createDirectories(dir.resolve("site"));
    Files.writeString(site.resolve("run.rb"), "puts 1\n");
    Files.createSymbolicLink(site.resolve("run.txt"), Path.of("run.rb"));
    Path toml = Files.writeString(dir.resolve("site.toml"), """
        [server]
        docroot = "%s"
        [[mount]]
        url = "/site/"
        dir = "%s"
        execution = "mapped"
        [[mount.handler]]
        path = "*.rb"
        script-processor = "/usr/bin/ruby %%s"
        """.formatted(docroot, site));

    String report = Printed.check(toml).text();

    assertThat(report).contains("docroot/link-to-pl.txt: never served (403): a .pl file",
        "site/run.txt: never served (403): a mount runs this file");
  }
}
