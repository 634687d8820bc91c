package io.cgiguard.load;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints one progress line a second while a run goes on (elapsed, requests, rate, failures),
 * rewriting it in place with a carriage return so a terminal shows one live line.
 */
public final class ProgressLine implements AutoCloseable {

  private final Thread printer;
  private final PrintStream out;
  private volatile boolean printed;

  /** Starts printing {@code figures} to {@code out} every second until {@link #close()}. */
  public ProgressLine(LiveFigures figures, PrintStream out) {
    this.out = out;
    this.printer = new Thread(() -> loop(figures), "load-progress");
    printer.setDaemon(true);
    printer.start();
  }

  private void loop(LiveFigures figures) {
    long previous = 0;
    try {
      while (true) {
        Thread.sleep(1000);
        long requests = figures.requests();
        out.print(String.format(Locale.ROOT, "\r%7.1fs  %d requests  %d/s  %d failures   ",
            figures.elapsed().toMillis() / 1000.0, requests, requests - previous,
            figures.failures()));
        out.flush();
        printed = true;
        previous = requests;
      }
    } catch (InterruptedException e) {
      // close() ends the line.
    }
  }

  @Override
  public void close() {
    printer.interrupt();
    try {
      printer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (printed) {
      out.println();
    }
  }
}
