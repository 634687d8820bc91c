package io.cgiguard.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends logged requests to a new server, {@code connections} at a time, on the schedule of a
 * {@link ReplaySchedule}, and keeps for every URL the statuses the old server logged beside the
 * ones the new server gave. The figures of an ordinary run ({@link LoadResult}) come with it.
 */
public final class ReplayRun implements LiveFigures {

  private static final int BODY_KEPT = 64 * 1024;

  private final URI base;
  private final List<ReplayLog.Entry> entries;
  private final List<Duration> offsets;
  private final int connections;
  private final Duration timeout;
  private final ReplyClassifier classifier;
  private final double ratePerSecond;
  private final Map<String, ReplayDiff.UrlTally> urls = new ConcurrentHashMap<>();
  private final Counts live = new Counts();
  private volatile long startNanos;

  /**
   * @param base the new server's base URL; each logged path is appended to its path
   * @param entries the requests to send, in order
   * @param offsets when to send each, from the start
   */
  public ReplayRun(URI base, List<ReplayLog.Entry> entries, List<Duration> offsets,
      int connections, Duration timeout, Expectations expectations, double ratePerSecond) {
    if (entries.size() != offsets.size()) {
      throw new IllegalArgumentException("one offset per entry");
    }
    this.base = base;
    this.entries = List.copyOf(entries);
    this.offsets = List.copyOf(offsets);
    this.connections = connections;
    this.timeout = timeout;
    this.classifier = new ReplyClassifier(expectations);
    this.ratePerSecond = ratePerSecond;
  }

  /** Sends every entry and returns the figures and the per-URL comparison. */
  public ReplayDiff run() throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    startNanos = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    List<WorkerTally> tallies = Workers.run("replay-", connections,
        (w, tally) -> () -> work(client, next, tally));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    LoadResult figures = LoadResult.merge(base.toString(), "replay", connections,
        ratePerSecond, elapsed, tallies);
    return ReplayDiff.of(figures, urls.values());
  }

  private void work(HttpClient client, AtomicInteger next, WorkerTally tally) {
    int i;
    while ((i = next.getAndIncrement()) < entries.size() && !Thread.currentThread().isInterrupted()) {
      long sendAt = startNanos + offsets.get(i).toNanos();
      long wait;
      while ((wait = sendAt - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
        LockSupport.parkNanos(wait);
      }
      ReplayLog.Entry entry = entries.get(i);
      long sent = System.nanoTime();
      Reply reply = send(client, entry);
      long done = System.nanoTime();
      String category = classifier.classify(reply);
      long latency = reply instanceof Reply.ConnectFailed ? -1 : (done - sent) / 1000;
      tally.record((int) ((done - startNanos) / 1_000_000_000L), latency, category,
          LoadRun.attempts(reply));
      live.add(category);
      String now = reply instanceof Reply.Answered a ? Integer.toString(a.status()) : category;
      urls.computeIfAbsent(entry.method() + " " + entry.target(),
          key -> new ReplayDiff.UrlTally(entry.method(), entry.target()))
          .add(entry.oldStatus(), now, entry.oldMillis(), latency);
    }
  }

  private Reply send(HttpClient client, ReplayLog.Entry entry) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(uri(entry)).timeout(timeout)
          .header("User-Agent", "cgiguard-load-replay")
          .method(entry.method(), HttpRequest.BodyPublishers.noBody()).build();
    } catch (IllegalArgumentException e) {
      return new Reply.Malformed("cannot send " + entry.target() + ": " + e.getMessage());
    }
    try {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      byte[] body = response.body() == null ? new byte[0] : response.body();
      if (body.length > BODY_KEPT) {
        body = java.util.Arrays.copyOf(body, BODY_KEPT);
      }
      return new Reply.Answered(response.statusCode(), headers(response.headers()), body, true);
    } catch (HttpTimeoutException e) {
      return new Reply.TimedOut();
    } catch (java.net.ConnectException e) {
      return new Reply.ConnectFailed(String.valueOf(e.getMessage()));
    } catch (IOException e) {
      return new Reply.Empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply.TimedOut();
    }
  }

  private static Map<String, String> headers(HttpHeaders headers) {
    Map<String, String> out = new HashMap<>();
    headers.map().forEach((name, values) -> {
      if (!values.isEmpty()) {
        out.put(name.toLowerCase(Locale.ROOT), values.get(values.size() - 1));
      }
    });
    return out;
  }

  /** The base URL's path, then the logged path and query, with what a URI cannot hold escaped. */
  URI uri(ReplayLog.Entry entry) {
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    if (basePath.endsWith("/")) {
      basePath = basePath.substring(0, basePath.length() - 1);
    }
    String target = basePath + escape(entry.path(), "/")
        + (entry.query().isEmpty() ? "" : "?" + escape(entry.query(), "/?&=;"));
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + target);
  }

  /** Percent-encodes every byte outside RFC 3986 pchar and {@code extra}; keeps {@code %XX}. */
  static String escape(String text, String extra) {
    StringBuilder out = new StringBuilder(text.length());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xff;
      boolean escapeSequence = c == '%' && i + 2 < bytes.length && hex(bytes[i + 1])
          && hex(bytes[i + 2]);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~!$'()*+,:@".indexOf(c) >= 0 || extra.indexOf(c) >= 0;
      if (plain || escapeSequence) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return out.toString();
  }

  private static boolean hex(byte b) {
    return Character.digit(b, 16) >= 0;
  }

  @Override
  public Duration elapsed() {
    long start = startNanos;
    return start == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public Counts counts() {
    return live;
  }
}
