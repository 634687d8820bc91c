package io.cgiguard.http;

import io.cgiguard.TestScripts;
import io.cgiguard.config.ConfigLoader;
import io.cgiguard.launch.Launcher;
import io.cgiguard.launch.Launchers;
import java.nio.file.Path;

/**
 * The site that the reload, drain and signal tests serve and rewrite: {@code /app/} from one
 * version's directory of {@code test-scripts/reload}, and {@code /slow/} for requests that outlast
 * a reload or a drain.
 */
public final class ReloadSite {

  public static final Path FIXTURES = TestScripts.path("reload");

  private ReloadSite() {}

  /** An in-process gateway and its launcher; closing it closes both. */
  record Running(Launcher launcher, GatewayServer server) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      launcher.close();
    }
  }

  /**
   * Starts an in-process gateway on {@code file}, which a reload reads again; relative paths in
   * it are resolved against its directory.
   */
  static Running start(Path file) throws Exception {
    ConfigLoader loader = new ConfigLoader(file.getParent());
    Launcher launcher = Launchers.create();
    GatewayServer server = null;
    try {
      server = new GatewayServer(loader.load(file), launcher);
      server.reloadFrom(() -> loader.load(file));
      server.start();
      return new Running(launcher, server);
    } catch (Exception | Error e) {
      if (server != null) {
        server.close();
      }
      launcher.close();
      throw e;
    }
  }

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
