package io.cgiguard.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every response a test receives through {@link TestGateway} passes here. An error response (status
 * 400 or more) that carries Jetty's own error page instead of the gateway's is kept as a finding;
 * {@link JettyPageScanExtension} fails the test that received it and reports how many error
 * responses the run scanned, by transport.
 */
public final class JettyPageScan {

  /**
   * The marks in the body of the page Jetty's {@code ErrorHandler} writes as HTML (the head, JSON
   * and text variants are checked in {@link #jettyMark}). Each is lower case; none occurs in the
   * gateway's own pages.
   */
  static final List<String> JETTY_MARKS = List.of("<title>error ", "<h2>http error",
      "powered by jetty",
      "<th>uri:</th>", "<th>status:</th>", "<th>message:</th>", "<pre>reason:", "\"servlet\":");

  /** A response that carries Jetty's page: where it came from and what it was. */
  public record Finding(String transport, String request, int status, String response) {
    @Override
    public String toString() {
      return transport + " " + request + " -> " + status + " with Jetty's error page:\n"
          + (response.length() > 2000 ? response.substring(0, 2000) + "..." : response);
    }
  }

  private static final ConcurrentLinkedQueue<Finding> FINDINGS = new ConcurrentLinkedQueue<>();
  private static final Map<String, int[]> SCANNED = new TreeMap<>();

  private JettyPageScan() {}

  /**
   * Records one response: {@code head} is its header block (any case), {@code body} its body as
   * text; both may be empty.
   */
  public static void record(String transport, String request, int status, String head,
      String body) {
    if (status < 400) {
      return;
    }
    synchronized (SCANNED) {
      SCANNED.computeIfAbsent(transport, t -> new int[1])[0]++;
    }
    jettyMark(head, body).ifPresent(mark -> FINDINGS.add(
        new Finding(transport, request, status, head + "\n\n" + body)));
  }

  /** The Jetty mark found in a response, if any. */
  static Optional<String> jettyMark(String head, String body) {
    String lowerHead = head.toLowerCase(Locale.ROOT);
    String lowerBody = body.toLowerCase(Locale.ROOT);
    if (lowerHead.contains("text/html;charset=iso-8859-1")) {
      return Optional.of("text/html;charset=iso-8859-1");
    }
    if (lowerHead.contains("server: jetty")) {
      return Optional.of("server: jetty");
    }
    if (lowerBody.contains("\"url\":\"") && lowerBody.contains("\"status\":\"")) {
      return Optional.of("\"url\" and \"status\" (json)");
    }
    if (lowerBody.startsWith("http error ")) {
      return Optional.of("http error (text)");
    }
    return JETTY_MARKS.stream().filter(lowerBody::contains).findFirst();
  }

  /** Records a response received with {@code java.net.http}, and returns it. */
  public static <T> HttpResponse<T> scanned(String transport, HttpResponse<T> response) {
    Object body = response.body();
    String text = body instanceof String s ? s
        : body instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : "";
    StringBuilder head = new StringBuilder();
    response.headers().map().forEach((name, values) ->
        values.forEach(value -> head.append(name).append(": ").append(value).append("\r\n")));
    record(transport, response.request().method() + " " + response.uri().getRawPath(),
        response.statusCode(), head.toString(), text);
    return response;
  }

  /**
   * Sends {@code request} on a client of the test's own (one with TLS, say, or bound to a gateway
   * not started by {@link TestGateway}) and records the response.
   */
  public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request,
      HttpResponse.BodyHandler<T> body) throws IOException, InterruptedException {
    return scanned("HttpClient", client.send(request, body));
  }

  /** As {@link #send}, without waiting for the answer. */
  public static <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpClient client,
      HttpRequest request, HttpResponse.BodyHandler<T> body) {
    return client.sendAsync(request, body).thenApply(response -> scanned("HttpClient", response));
  }

  /** Records a raw HTTP/1.x exchange: everything the server sent, as ISO-8859-1 text. */
  public static void recordRaw(String transport, String request, String received) {
    if (!received.startsWith("HTTP/1.") || received.length() < 12) {
      return;
    }
    int status;
    try {
      status = Integer.parseInt(received.substring(9, 12));
    } catch (NumberFormatException e) {
      return;
    }
    int end = received.indexOf("\r\n\r\n");
    String head = end < 0 ? received : received.substring(0, end);
    String body = end < 0 ? "" : received.substring(end + 4);
    String firstLine = request.lines().findFirst().orElse("");
    record(transport, firstLine.length() > 200 ? firstLine.substring(0, 200) + "..." : firstLine,
        status, head, body);
  }

  /** Takes the findings recorded so far. */
  static List<Finding> drain() {
    List<Finding> taken = new ArrayList<>();
    Finding finding;
    while ((finding = FINDINGS.poll()) != null) {
      taken.add(finding);
    }
    return taken;
  }

  /** Error responses scanned so far, by transport. */
  static Map<String, Integer> scanned() {
    Map<String, Integer> copy = new TreeMap<>();
    synchronized (SCANNED) {
      SCANNED.forEach((transport, count) -> copy.put(transport, count[0]));
    }
    return copy;
  }
}
