package io.cgiguard.http;

import io.cgiguard.TestScripts;
import java.nio.file.Path;

/**
 * The site that the reload, drain and signal tests serve and rewrite: {@code /app/} from one
 * version's directory of {@code test-scripts/reload}, and {@code /slow/} for requests that outlast
 * a reload or a drain.
 */
public final class ReloadSite {

  public static final Path FIXTURES = TestScripts.path("reload");

  private ReloadSite() {}

  /** A whole configuration: {@code /app/} from {@code version}'s directory, then {@code more}. */
  public static String toml(String version, String more) {
    return toml(version, "", more);
  }

  /**
   * As {@link #toml(String, String)}, with {@code serverKeys} added to {@code [server]}; without
   * them every line stands where the reload tests' line numbers expect it.
   */
  public static String toml(String version, String serverKeys, String more) {
    return """
        [server]
        port = 0
        docroot = "%s"
        %s
        [[mount]]
        url = "/app/"
        dir = "%s"

        [[mount]]
        url = "/slow/"
        dir = "%s"
        """.formatted(TestGateway.DOCROOT, serverKeys, FIXTURES.resolve(version),
        FIXTURES.resolve("slow")) + more;
  }
}
