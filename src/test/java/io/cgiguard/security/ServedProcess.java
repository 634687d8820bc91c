package io.cgiguard.security;

import io.cgiguard.http.JettyPageScan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cgiguard serve} as a child JVM on this test's class path, for what cannot be set up
 * in-process: the gateway's own environment and its user.
 */
public final class ServedProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  public final Process process;
  public final URI uri;

  private ServedProcess(Process process, URI uri) {
    this.process = process;
    this.uri = uri;
  }

  /** Starts {@code serve --config config --port 0} with {@code extraEnv} added to this env. */
  static ServedProcess start(Path config, Map<String, String> extraEnv) throws Exception {
    return start(List.of(), List.of("--config", config.toString()), Path.of(""), extraEnv);
  }

  /**
   * Starts {@code serve --port 0} with {@code args}, in {@code workingDir}, with {@code jvmOptions}
   * (such as {@code -Dcgiguard.home=DIR}) before the main class.
   */
  public static ServedProcess start(List<String> jvmOptions, List<String> args, Path workingDir,
      Map<String, String> extraEnv) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cgiguard.cli.Main",
        "serve", "--port", "0"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    if (!workingDir.toString().isEmpty()) {
      builder.directory(workingDir.toFile());
    }
    builder.environment().putAll(extraEnv);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> firstUrl(process));
    try {
      return new ServedProcess(process, URI.create(url.get(30, TimeUnit.SECONDS)));
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private static String firstUrl(Process process) {
    BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    try {
      StringBuilder seen = new StringBuilder();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        seen.append(line).append('\n');
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          Thread drain = new Thread(() -> drain(lines));
          drain.setDaemon(true);
          drain.start();
          return matcher.group(1);
        }
      }
      throw new IllegalStateException("serve exited without a URL:\n" + seen);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void drain(BufferedReader lines) {
    try {
      while (lines.readLine() != null) {
        // Keep the pipe empty so that logging never blocks the server.
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  public String get(String pathAndQuery) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return JettyPageScan.scanned("HttpClient (cgiguard serve)", client.send(HttpRequest
        .newBuilder(uri.resolve(pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString())).body();
  }

  /** @return the status of a GET of {@code pathAndQuery} */
  public int status(String pathAndQuery) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return JettyPageScan.scanned("HttpClient (cgiguard serve)", client.send(HttpRequest
        .newBuilder(uri.resolve(pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.discarding())).statusCode();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
