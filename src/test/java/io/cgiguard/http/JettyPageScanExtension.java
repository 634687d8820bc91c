package io.cgiguard.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (see {@code META-INF/services} and
 * {@code junit-platform.properties}): fails a test, or a class's setup and teardown, that received
 * Jetty's own error page through {@link TestGateway}, and at the end of the run writes how many
 * error responses were scanned to {@code target/jetty-page-scan.txt}.
 */
public final class JettyPageScanExtension
    implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.create(getClass()))
        .getOrComputeIfAbsent(Report.class, key -> new Report(), Report.class);
    fail(JettyPageScan.drain());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    fail(JettyPageScan.drain());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    fail(JettyPageScan.drain());
  }

  private static void fail(List<JettyPageScan.Finding> findings) {
    if (!findings.isEmpty()) {
      throw new AssertionError(findings.size() + " error response(s) carried Jetty's error page "
          + "instead of the gateway's:\n" + findings.stream().map(Object::toString)
          .collect(Collectors.joining("\n---\n")));
    }
  }

  /** Writes the run's totals when the run ends. */
  private static final class Report implements AutoCloseable {
    @Override
    public void close() {
      Map<String, Integer> scanned = JettyPageScan.scanned();
      int total = scanned.values().stream().mapToInt(Integer::intValue).sum();
      String text = "error responses scanned for Jetty's error page: " + total + " " + scanned
          + "\n";
      try {
        Path target = Path.of(System.getProperty("cgiguard.project.dir", "."), "target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("jetty-page-scan.txt"), text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
