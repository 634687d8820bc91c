package io.cgiguard.iis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class HardenedXmlTest {

  @TempDir
  Path dir;

  @Test
  void parsesAPlainConfigurationFile() throws Exception {
    Path file = write("ok.config", "<?xml version=\"1.0\"?>\n<configuration><a b=\"c\"/>"
        + "</configuration>");

    Document doc = HardenedXml.parse(file);

    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("configuration");
  }

  @Test
  void namesFileLineAndColumnOfMalformedXml() throws IOException {
    Path file = write("broken.config", "<configuration>\n  <system.webServer>\n"
        + "  </system.webServr>\n</configuration>");

    assertThatThrownBy(() -> HardenedXml.parse(file))
        .isInstanceOf(IisImportException.class)
        .hasMessageStartingWith(file + ":3:")
        .hasMessageContaining("malformed XML");
  }

  @Test
  void refusesElementsNestedBeyondTheLimitAtTheirLine() throws IOException {
    int depth = 10_000;
    Path file = write("deep.config", "<configuration>\n<system.webServer>\n"
        + "<a>\n".repeat(depth) + "</a>".repeat(depth) + "</system.webServer></configuration>");

    assertThatThrownBy(() -> HardenedXml.parse(file))
        .isInstanceOf(IisImportException.class)
        .hasMessageStartingWith(file + ":" + (HardenedXml.MAX_DEPTH + 1) + ":")
        .hasMessageContaining("refused: elements nested deeper than " + HardenedXml.MAX_DEPTH);
  }

  @Test
  void acceptsNestingUpToTheLimit() throws Exception {
    int depth = HardenedXml.MAX_DEPTH;
    Path file = write("fine.config", "<configuration>" + "<a>".repeat(depth - 1)
        + "</a>".repeat(depth - 1) + "</configuration>");

    assertThat(HardenedXml.parse(file).getDocumentElement().getTagName())
        .isEqualTo("configuration");
  }

  @Test
  void refusesAFileOverTheSizeLimitWithoutReadingIt() throws IOException {
    Path file = write("huge.config", "<configuration>");
    try (java.io.RandomAccessFile grow = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      grow.setLength(HardenedXml.MAX_BYTES + 1);
    }

    assertThatThrownBy(() -> HardenedXml.parse(file))
        .isInstanceOf(IisImportException.class)
        .hasMessage(file + ": refused: " + (HardenedXml.MAX_BYTES + 1) + " bytes; files over 16 "
            + "MiB are not read (IIS's own configuration files are far smaller)");
  }

  @Test
  void refusesAnInternalDtdWithoutExpandingIt() throws IOException {
    Path file = write("laughs.config", "<?xml version=\"1.0\"?>\n<!DOCTYPE c [\n"
        + "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n"
        + "<configuration>&b;</configuration>");

    assertThatThrownBy(() -> HardenedXml.parse(file))
        .isInstanceOf(IisImportException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("refused: the file has a DTD");
  }

  @Test
  void refusesAnExternalFileEntityAndNeverReadsIt() throws IOException {
    Path secret = write("secret.txt", "TOP-SECRET-VALUE");
    Path file = write("xxe.config", "<?xml version=\"1.0\"?>\n<!DOCTYPE c [<!ENTITY x SYSTEM \""
        + secret.toUri() + "\">]>\n<configuration><cgi timeout=\"&x;\"/></configuration>");

    assertThatThrownBy(() -> HardenedXml.parse(file))
        .isInstanceOf(IisImportException.class)
        .hasMessageContaining("DTD")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TOP-SECRET-VALUE"));
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void fetchesNothingForAnExternalDtdOverHttp() throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + listener.getLocalPort() + "/evil.dtd";
      Path file = write("remote.config", "<?xml version=\"1.0\"?>\n<!DOCTYPE configuration "
          + "SYSTEM \"" + url + "\">\n<configuration/>");

      assertThatThrownBy(() -> HardenedXml.parse(file))
          .isInstanceOf(IisImportException.class)
          .hasMessageContaining("refused: the file has a DTD");

      // The parse has returned; had it fetched the DTD, the connection would be queued already.
      listener.setSoTimeout(200);
      assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void namesAMissingFile() {
    Path missing = dir.resolve("nope.config");

    assertThatThrownBy(() -> HardenedXml.parse(missing))
        .isInstanceOf(IisImportException.class)
        .hasMessage(missing + ": no such file");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
