package io.cgiguard.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cgiguard.Polling;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the DevTools protocol, with the JDK's own WebSocket client: load a
 * page, evaluate expressions in it, take a screenshot, and collect every console message, script
 * exception and log entry (where Chromium reports Content-Security-Policy violations) the page
 * produced.
 */
final class DevToolsBrowser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final Process chromium;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private DevToolsBrowser(Process chromium, WebSocket socket) {
    this.chromium = chromium;
    this.socket = socket;
  }

  /** Starts Chromium with a profile in {@code profile} and attaches to its first page. */
  static DevToolsBrowser start(Path profile, int width, int height) throws Exception {
    Files.createDirectories(profile);
    Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--hide-scrollbars", "--remote-debugging-port=0",
        "--window-size=" + width + "," + height, "--user-data-dir=" + profile, "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      if (!Polling.eventually(Duration.ofSeconds(60), () -> Files.exists(portFile)
          && readQuietly(portFile).contains("\n"))) {
        throw new IOException("Chromium wrote no DevToolsActivePort; its log:\n"
            + readQuietly(profile.resolve("chromium.log")));
      }
      int port = Integer.parseInt(readQuietly(portFile).split("\n")[0].trim());
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (pageSocket == null && System.nanoTime() < deadline) {
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode target : targets) {
          if ("page".equals(target.path("type").asText())) {
            pageSocket = target.path("webSocketDebuggerUrl").asText();
          }
        }
        if (pageSocket == null) {
          Polling.eventually(Duration.ofMillis(100), () -> false);
        }
      }
      if (pageSocket == null) {
        throw new IOException("Chromium shows no page target");
      }
      Listener listener = new Listener();
      WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), listener)
          .get(30, TimeUnit.SECONDS);
      DevToolsBrowser browser = new DevToolsBrowser(chromium, socket);
      listener.browser = browser;
      browser.call("Runtime.enable", JSON.createObjectNode());
      browser.call("Log.enable", JSON.createObjectNode());
      browser.call("Page.enable", JSON.createObjectNode());
      return browser;
    } catch (Exception | Error e) {
      chromium.destroyForcibly();
      throw e;
    }
  }

  /** Runs {@code source} in every page before its own scripts, outside the page's CSP. */
  void beforeEveryPage(String source) throws Exception {
    call("Page.addScriptToEvaluateOnNewDocument", JSON.createObjectNode().put("source", source));
  }

  void navigate(String url) throws Exception {
    call("Page.navigate", JSON.createObjectNode().put("url", url));
  }

  /** @return the value of {@code expression} in the page, as JSON */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode result = call("Runtime.evaluate", JSON.createObjectNode()
        .put("expression", expression).put("returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("evaluating " + expression + ": "
          + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Writes a PNG of the whole page to {@code file}. */
  void screenshot(Path file) throws Exception {
    JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")
        .put("captureBeyondViewport", true));
    Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
  }

  /** @return every console error, uncaught exception and error log entry so far */
  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    synchronized (socket) {
      socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
    }
    JsonNode reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + ": " + reply.get("error"));
    }
    return reply.path("result");
  }

  private void received(JsonNode message) {
    if (message.has("id")) {
      CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
      if (answer != null) {
        answer.complete(message);
      }
      return;
    }
    String method = message.path("method").asText();
    JsonNode params = message.path("params");
    String problem = switch (method) {
      case "Runtime.exceptionThrown" -> "exception: " + params.path("exceptionDetails");
      case "Runtime.consoleAPICalled" -> "error".equals(params.path("type").asText())
          || "warning".equals(params.path("type").asText())
          ? "console " + params.path("type").asText() + ": " + params.path("args") : null;
      case "Log.entryAdded" -> "error".equals(params.path("entry").path("level").asText())
          || "warning".equals(params.path("entry").path("level").asText())
          ? "log " + params.path("entry") : null;
      default -> null;
    };
    if (problem != null) {
      synchronized (this) {
        problems.add(problem);
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // Chromium is ended below either way.
    }
    chromium.destroy();
    try {
      if (!chromium.waitFor(10, TimeUnit.SECONDS)) {
        chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      chromium.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  /** Reassembles DevTools messages, which may arrive in several frames. */
  private static final class Listener implements WebSocket.Listener {
    volatile DevToolsBrowser browser;
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          DevToolsBrowser target = browser;
          JsonNode message = JSON.readTree(text);
          if (target != null) {
            target.received(message);
          } else {
            early(message);
          }
        } catch (IOException e) {
          throw new IllegalStateException("DevTools sent what is not JSON: " + text, e);
        }
      }
      webSocket.request(1);
      return null;
    }

    private void early(JsonNode message) {
      // Nothing is asked before the browser object exists, so nothing can be answered early.
      if (message.has("id")) {
        throw new IllegalStateException("an answer before any question: " + message);
      }
    }
  }
}
