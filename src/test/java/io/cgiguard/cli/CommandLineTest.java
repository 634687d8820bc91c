package io.cgiguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input on the command line gets one clear line and a non-zero status, never a trace. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandLineTest {

  @TempDir Path dir;

  record Result(int status, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(status, out.toString(), err.toString());
  }

  /** Runs a command whose report goes to System.out, and returns the status and the report. */
  static Result runPrinting(String... args) {
    Printed printed = Printed.by(() -> Main.execute(args));
    return new Result(printed.status(), printed.text(), "");
  }

  @Test
  void aMissingDirectoryOfTheFileIsNamedAtItsFileAndLine() throws Exception {
    Path config = Files.writeString(dir.resolve("site.toml"), """
        [[mount]]
        dir = "%s"

        [server]
        docroot = "%s"
        """.formatted(dir.resolve("no-cgi-bin"), dir.resolve("no-docroot")));
    String mount = config + ":2: mount[0].dir: " + dir.resolve("no-cgi-bin")
        + " does not exist or is not a directory";
    String docroot = config + ":5: server.docroot: " + dir.resolve("no-docroot")
        + " does not exist or is not a directory";

    Result served = run("serve", "--port", "0", "--config", config.toString());
    Result checked = runPrinting("check", "--config", config.toString());

    assertThat(served.status()).isEqualTo(2);
    assertThat(served.err().lines()).containsExactly("cgiguard: invalid configuration:", mount,
        docroot);
    assertThat(checked.status()).isEqualTo(1);
    assertThat(checked.out().lines()).contains(mount, docroot);
  }

  @Test
  void aMissingDirectoryGivenOnTheCommandLineNamesTheFlag() throws Exception {
    Path cgiBin = Files.createDirectories(dir.resolve("cgi-bin"));
    Path config = Files.writeString(dir.resolve("site.toml"), """
        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(cgiBin));
    Path absent = dir.resolve("absent");

    Result cgiBinFlag = run("serve", "--port", "0", "--config", config.toString(), "--cgi-bin",
        absent.toString());
    Result docrootFlag = run("serve", "--port", "0", "--config", config.toString(), "--docroot",
        absent.toString());
    Result checked = runPrinting("check", "--config", config.toString(), "--cgi-bin",
        absent.toString());

    assertThat(cgiBinFlag.status()).isEqualTo(2);
    assertThat(cgiBinFlag.err().lines()).containsExactly("cgiguard: invalid configuration:",
        "--cgi-bin: " + absent + " does not exist or is not a directory");
    assertThat(docrootFlag.status()).isEqualTo(2);
    assertThat(docrootFlag.err().lines()).containsExactly("cgiguard: invalid configuration:",
        "--docroot: " + absent + " does not exist or is not a directory");
    assertThat(checked.status()).isEqualTo(1);
    assertThat(checked.out().lines())
        .contains("--cgi-bin: " + absent + " does not exist or is not a directory");
  }

  @Test
  void configTypoNamesFileLineAndKey() throws Exception {
    Path config = dir.resolve("typo.toml");
    Files.writeString(config, "[server]\nport = 0\n\n[timeouts]\nheadr = \"5s\"\n");
    Result result = run("serve", "--config", config.toString());
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains(config + ":5: timeouts.headr: unknown key")
        .contains("did you mean 'header'").doesNotContain("Exception");
  }

  @Test
  void aDuplicateKeyIsNamedWithItsFileAndItsOwnLine() throws Exception {
    Path config = Files.writeString(dir.resolve("twice.toml"),
        "[server]\nport = 8080\nport = 8081\n");
    for (String command : new String[] {"check", "serve"}) {
      Result result = run(command, "--config", config.toString());
      assertThat(result.status()).as(command).isEqualTo(2);
      assertThat(result.err()).as(command).contains(config + ":3: server.port: not valid TOML: "
          + "the key is set twice in one table (first on line 2)");
    }
  }

  @Test
  void portInUseIsOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path cgiBin = Files.createDirectories(dir.resolve("cgi-bin"));
      Result result = run("serve", "--port", Integer.toString(taken.getLocalPort()), "--cgi-bin",
          cgiBin.toString(), "--docroot", dir.toString());
      assertThat(result.status()).isEqualTo(1);
      assertThat(result.err().strip()).doesNotContain("\n")
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("already in use");
    }
  }

  @Test
  void unknownFlagIsOneLineWithHelpHint() {
    Result result = run("serve", "--prot", "80");
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("Unknown options: '--prot'").contains("--help")
        .doesNotContain("Exception");
  }

  @Test
  void badPortValueIsRefused() {
    Result result = run("serve", "--port", "70000");
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("--port must be from 0 to 65535");
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : new String[] {"serve", "run", "check"}) {
      Result result = run(command, "--help");
      assertThat(result.status()).as(command).isZero();
      assertThat(result.out()).as(command).contains("Usage: cgiguard " + command);
    }
  }

  @Test
  void runExplainsAScriptThatDiesBeforeItsHeaders() throws Exception {
    Path script = dir.resolve("dies.cgi");
    Files.writeString(script, "#!/bin/sh\necho 'about to fail' >&2\nexit 3\n");
    script.toFile().setExecutable(true);
    // In this JVM: as root, any other run-as would drop the whole test run's privileges.
    Path config = Files.writeString(dir.resolve("root.toml"), "[server]\nrun-as = \"root\"\n");
    Result result = runPrinting("run", "--config", config.toString(), "--cgi-bin",
        dir.toString(), script.toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.out()).contains("outcome:  exited-before-headers")
        .contains("exited with code 3").contains("about to fail");
  }

  @Test
  void checkFindsACarriageReturnInTheShebang() throws Exception {
    Path script = dir.resolve("windows.cgi");
    Files.writeString(script, "#!/usr/bin/perl\r\nprint \"Content-Type: text/plain\\r\\n\\r\\n\";\r\n");
    script.toFile().setExecutable(true);
    Result result = runPrinting("check", "--cgi-bin", dir.toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.out()).contains("windows.cgi").contains("CR");
  }

  /**
   * A folder inside a mount that another mount serves at its own URL (an imported IIS site's
   * locked folder) is checked as that mount serves it, once, as serve answers it (403): not also
   * as a script of the outer mount, which serve never runs it as.
   */
  @Test
  void aFolderAnotherMountServesIsCheckedOnceAsThatMountServesIt() throws Exception {
    Path cgiBin = Files.createDirectories(dir.resolve("cgi-bin"));
    Path locked = Files.createDirectories(cgiBin.resolve("locked"));
    Path evil = Files.writeString(locked.resolve("evil.pl"),
        "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\r\\n\\r\\nran\\n\";\n");
    assertThat(evil.toFile().setExecutable(true, false)).isTrue();
    Path config = Files.writeString(dir.resolve("site.toml"), """
        [[mount]]
        url = "/cgi-bin/locked/"
        dir = "%s"
        execution = "mapped"

        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        execution = "mapped"

        [[mount.handler]]
        path = "*.pl"
        script-processor = "/usr/bin/perl %%s"
        """.formatted(locked, cgiBin));

    Result checked = runPrinting("check", "--config", config.toString());

    assertThat(checked.out().lines().filter(line -> line.startsWith(evil + ":")))
        .singleElement().asString().startsWith(evil + ": never served (403)")
        .doesNotContain(": runs:");
  }
  /**
   * Request filtering refuses a URL with a hidden segment (web.config, .git) before routing: check
   * says so of such files, in a mount and in the document root, where it used to call them static
   * files or scripts that run.
   */
  @Test
  void filesUnderAHiddenSegmentAreNeverServedAsServeAnswersThem() throws Exception {
    Path root = Files.createDirectories(dir.resolve("www"));
    Path webConfig = Files.writeString(root.resolve("web.config"), "<configuration/>\n");
    Path page = Files.writeString(root.resolve("index.html"), "<p>hi</p>\n");
    Path cgiBin = Files.createDirectories(dir.resolve("cgi-bin"));
    Path inGit = Files.createDirectories(cgiBin.resolve(".git"));
    Path hook = Files.writeString(inGit.resolve("hook.sh"), "#!/bin/sh\necho x\n");
    Path hello = Files.writeString(cgiBin.resolve("hello.sh"),
        "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nhi\\n'\n");
    assertThat(hook.toFile().setExecutable(true, false)).isTrue();
    assertThat(hello.toFile().setExecutable(true, false)).isTrue();

    Path config = Files.writeString(dir.resolve("site.toml"), """
        [server]
        docroot = "%s"

        [[mount]]
        url = "/cgi-bin/"
        dir = "%s"
        """.formatted(root, cgiBin));

    Result checked = runPrinting("check", "--config", config.toString());

    assertThat(checked.out()).contains(webConfig + ": never served (404: the URL contains a "
        + "hidden segment)\n").contains(hook + ": never served (404: the URL contains a hidden "
        + "segment)\n").contains(page + ": static file\n").contains(hello + ": runs: ");
  }
}
