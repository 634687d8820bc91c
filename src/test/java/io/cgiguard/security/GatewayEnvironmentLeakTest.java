package io.cgiguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.TestScripts;
import io.cgiguard.http.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The script environment is built from scratch: the gateway's own secrets never reach it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GatewayEnvironmentLeakTest {

  @Test
  void secretsInTheGatewayEnvironmentNeverReachAScript(@TempDir Path dir) throws Exception {
    // run-as root: this test is about the environment, not the user; the checkout may not be
    // readable by nobody.
    Path config = dir.resolve("cgiguard.toml");
    Files.writeString(config, """
        [server]
        run-as = "root"
        docroot = "%s"
        [[mount]]
        url = "/responses/"
        dir = "%s"
        """.formatted(TestGateway.DOCROOT, TestScripts.path("responses")));
    Map<String, String> secrets = Map.of("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-secret-key",
        "DB_PASSWORD", "hunter2-db-password", "GITHUB_TOKEN", "ghp_leakedtoken");
    try (ServedProcess served = ServedProcess.start(config, secrets)) {
      String env = served.get("/responses/env.pl");
      assertThat(env).contains("GATEWAY_INTERFACE=CGI/1.1").contains("PATH=");
      for (Map.Entry<String, String> secret : secrets.entrySet()) {
        assertThat(env).doesNotContain(secret.getKey()).doesNotContain(secret.getValue());
      }
    }
  }
}
