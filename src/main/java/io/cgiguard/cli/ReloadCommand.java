package io.cgiguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cgiguard.config.Installation;
import io.cgiguard.config.ListenAddress;
import io.cgiguard.text.Escaping;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cgiguard reload}: asks the running gateway to re-read its configuration, through
 * {@code POST /-/reload} on its loopback admin endpoint, and prints what it did. The gateway is
 * found from the same configuration file ({@code [server] bind} and {@code port}) or
 * {@code --url}. Sending {@code SIGHUP} to the gateway does the same, without an answer.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = "Make the running gateway re-read its configuration; a bad file is refused "
        + "and the running one stays.")
public final class ReloadCommand implements Callable<Integer> {

  /** Exit status when the gateway refused the configuration. */
  static final int EXIT_REFUSED = 1;
  /** Exit status when no gateway answered. */
  static final int EXIT_UNREACHABLE = 3;

  /** How much of another server's answer is shown. */
  private static final int EXCERPT_CHARS = 200;

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The configuration the gateway runs with, to find its address (default: "
          + "conf/cgiguard.toml of the installation when present, else 127.0.0.1:8080).")
  Path config;

  @Option(names = "--url", paramLabel = "URL",
      description = "The gateway's base URL, such as http://127.0.0.1:8080/ (default: from the "
          + "configuration's [server] bind and port).")
  URI url;

  @Option(names = "--timeout", converter = DurationConverter.class,
      description = "How long to wait for the gateway's answer (default 30s).")
  Duration timeout = Duration.ofSeconds(30);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (timeout.isZero() || timeout.isNegative()) {
      throw new UsageException("--timeout must be more than 0 (got " + timeout.toMillis()
          + " ms)");
    }
    URI endpoint = base().resolve("/-/reload");
    HttpResponse<String> response;
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      response = client.send(HttpRequest.newBuilder(endpoint).timeout(timeout)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("cgiguard reload: no gateway answered at " + endpoint + " ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
      return EXIT_UNREACHABLE;
    }
    JsonNode answer;
    try {
      answer = new ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null || !answer.has("reloaded")) {
      err.println("cgiguard reload: " + endpoint + " answered " + response.statusCode()
          + " without a reload result (is a cgiguard gateway there?): " + excerpt(response.body()));
      return EXIT_UNREACHABLE;
    }
    if (answer.path("reloaded").asBoolean(false)) {
      out.println("reloaded " + answer.path("source").asText());
      answer.path("restartNeeded").forEach(line ->
          out.println("needs a restart (the running value stays): " + line.asText()));
      out.flush();
      return 0;
    }
    err.println("cgiguard reload: refused; the running configuration keeps serving:");
    answer.path("problems").forEach(line -> err.println("  " + line.asText()));
    err.flush();
    return EXIT_REFUSED;
  }

  /**
   * @return the start of another server's answer on one line, control characters made visible:
   *     enough to recognise the server, never its whole page nor an escape sequence for the
   *     terminal
   */
  static String excerpt(String body) {
    String line = Escaping.visible(body.strip().replaceAll("\\s+", " "), false);
    if (line.isEmpty()) {
      return "(an empty body)";
    }
    return line.length() <= EXCERPT_CHARS ? line : line.substring(0, EXCERPT_CHARS) + "...";
  }

  private URI base() {
    if (url != null) {
      if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())
          || url.getHost() == null) {
        throw new UsageException("--url must be an http:// URL with a host, such as "
            + "http://127.0.0.1:8080/ (got " + url + ")");
      }
      if (url.getPort() == 0 || url.getPort() > 65535) {
        throw new UsageException("--url: the port must be from 1 to 65535 (got " + url + ")");
      }
      return url;
    }
    Optional<Path> file = config != null ? Optional.of(config) : Installation.defaultConfig();
    ListenAddress address;
    try {
      address = file.isEmpty() ? ListenAddress.defaults() : ListenAddress.read(file.get());
    } catch (ListenAddress.Unusable e) {
      throw new UsageException("cannot find the gateway's address: " + e.getMessage()
          + "; give --url");
    }
    if (address.port() == 0) {
      throw new UsageException("the configuration's port is 0 (any free port): give --url");
    }
    return URI.create(address.loopbackUrl());
  }
}
