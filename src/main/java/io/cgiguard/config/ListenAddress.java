package io.cgiguard.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

  /**
   * @return the address in {@code file}; a key that is missing takes the default
   * @throws Unusable when the file cannot be read as TOML, or {@code bind} or {@code port} is
   *     there but is no address: falling back to the default would reach another gateway
   */
  public static ListenAddress read(Path file) throws Unusable {
    JsonNode server;
    try {
      server = new TomlMapper().readTree(Files.readString(file, StandardCharsets.UTF_8))
          .path("server");
    } catch (JacksonException e) {
      throw new Unusable(file + ": not valid TOML (line " + e.getLocation().getLineNr() + ")");
    } catch (IOException e) {
      throw new Unusable("cannot read " + file + " (" + e + ")");
    }
    if (!server.isMissingNode() && !server.isObject()) {
      throw new Unusable(file + ": server: is not a table");
    }
    JsonNode bind = server.path("bind");
    if (!bind.isMissingNode() && (!bind.isTextual() || bind.asText().isBlank())) {
      throw new Unusable(file + ": server.bind: " + bind + " is not an address");
    }
    JsonNode port = server.path("port");
    if (!port.isMissingNode() && !(port.isIntegralNumber() && port.canConvertToInt()
        && port.asInt() >= 0 && port.asInt() <= 65535)) {
      throw new Unusable(file + ": server.port: " + port + " is not a port number from 0 to "
          + "65535");
    }
    return new ListenAddress(bind.isMissingNode() ? DEFAULT.bind() : bind.asText(),
        port.isMissingNode() ? DEFAULT.port() : port.asInt());
  }

  /** The file names no address that can be used; the message names the file and the key. */
  public static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String message) {
      super(message);
    }
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
