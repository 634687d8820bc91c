package io.cgiguard.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a running gateway listens, read from its configuration file without validating the rest:
 * {@code cgiguard reload} must reach the gateway even when the file now has a problem, so that the
 * gateway itself can refuse it with every line. Missing keys take the loader's defaults.
 *
 * @param bind {@code [server] bind}
 * @param port {@code [server] port}
 */
public record ListenAddress(String bind, int port) {

  private static final ListenAddress DEFAULT = new ListenAddress("127.0.0.1", 8080);

  /** @return the address in {@code file}, or empty when the file cannot be read as TOML */
  public static Optional<ListenAddress> read(Path file) {
    JsonNode server;
    try {
      server = new TomlMapper().readTree(Files.readString(file, StandardCharsets.UTF_8))
          .path("server");
    } catch (JacksonException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
    JsonNode bind = server.path("bind");
    JsonNode port = server.path("port");
    return Optional.of(new ListenAddress(bind.isTextual() ? bind.asText() : DEFAULT.bind(),
        port.canConvertToInt() && port.isIntegralNumber() ? port.asInt() : DEFAULT.port()));
  }

  /** @return the built-in default, 127.0.0.1:8080 */
  public static ListenAddress defaults() {
    return DEFAULT;
  }

  /** @return a base URL that reaches this address from the same machine */
  public String loopbackUrl() {
    String host = bind;
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::")) {
      host = "::1";
    }
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port + "/";
  }
}
