package io.cgiguard.http;

import static org.assertj.core.api.Assertions.fail;

import io.cgiguard.Polling;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A front server (nginx, Apache httpd) as a test's child process: it listens on a free loopback
 * port, keeps its configuration and logs in a directory of its own, and is stopped with SIGTERM
 * (both servers' fast shutdown: the parent ends its workers and exits).
 */
public abstract class FrontProcess implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final Process process;
  private final List<String> logs;

  /** @param logs the files in {@code dir} that {@link #errorLog()} shows */
  FrontProcess(Path dir, int port, Process process, List<String> logs) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.logs = List.copyOf(logs);
  }

  /** @return a free loopback port for the server to listen on */
  static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /** Waits until the server accepts connections; stops it and fails the test if it does not. */
  void awaitListening(String name, Duration timeout) throws InterruptedException {
    if (!Polling.eventually(timeout, this::accepting)) {
      close();
      fail(name + " did not start listening within " + timeout.toSeconds() + " s:\n"
          + errorLog());
    }
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  public int port() {
    return port;
  }

  public String errorLog() {
    StringBuilder text = new StringBuilder();
    try {
      for (String log : logs) {
        Path file = dir.resolve(log);
        if (Files.exists(file)) {
          text.append(Files.readString(file, StandardCharsets.ISO_8859_1));
        }
      }
      return text.toString();
    } catch (IOException e) {
      return text + "(the log cannot be read: " + e + ")";
    }
  }

  private boolean accepting() {
    if (!process.isAlive()) {
      return false;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
