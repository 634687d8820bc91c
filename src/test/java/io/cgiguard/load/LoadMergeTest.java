package io.cgiguard.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgiguard.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code load merge} of two runs equals one run of both: the same recorded requests, tallied as
 * one run or as two written to JSON and merged back, give the same counts, and percentiles
 * within the histogram's precision of the exact ones.
 */
class LoadMergeTest {

  @TempDir Path dir;

  @Test
  void mergeOfTwoRunsEqualsOneRunOfBoth() throws Exception {
    Random random = new Random(42);
    long[] fast = new long[12_000];
    long[] slow = new long[5_000];
    WorkerTally a = new WorkerTally();
    WorkerTally b = new WorkerTally();
    for (int i = 0; i < fast.length; i++) {
      fast[i] = 200 + (long) (random.nextExponential() * 800);
      a.record(i % 5, fast[i], i % 97 == 0 ? "empty-reply" : ReplyClassifier.OK, 0);
    }
    for (int i = 0; i < slow.length; i++) {
      slow[i] = 5_000 + (long) (random.nextExponential() * 40_000);
      b.record(i % 6, slow[i], i % 13 == 0 ? "cgiguard-exited-before-headers" : ReplyClassifier.OK,
          i % 13 == 0 ? 3 : 1 + i % 2);
    }
    b.reconnected("closed-without-a-byte");
    LoadResult both = LoadResult.merge("http://x/", "closed", 8, 0, Duration.ofSeconds(6),
        List.of(a, b));
    Path first = dir.resolve("a.json");
    Path second = dir.resolve("b.json");
    JsonReport.write(LoadResult.merge("http://x/", "closed", 4, 0, Duration.ofSeconds(5),
        List.of(a)), first);
    JsonReport.write(LoadResult.merge("http://x/", "closed", 4, 0, Duration.ofSeconds(6),
        List.of(b)), second);

    Path mergedJson = dir.resolve("merged.json");
    Path mergedHtml = dir.resolve("merged.html");
    StringWriter err = new StringWriter();
    int status = Main.execute(new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true), "load", "merge", first.toString(), second.toString(),
        "--json", mergedJson.toString(), "--html", mergedHtml.toString());
    assertThat(status).as(err.toString()).isZero();
    LoadResult merged = LoadMerge.read(mergedJson);

    assertThat(merged.requests()).isEqualTo(both.requests()).isEqualTo(17_000);
    assertThat(merged.ok()).isEqualTo(both.ok());
    assertThat(merged.failures()).isEqualTo(both.failures());
    assertThat(merged.requestsPerSecond()).isEqualTo(both.requestsPerSecond());
    assertThat(merged.failuresPerSecondByKind()).isEqualTo(both.failuresPerSecondByKind());
    assertThat(merged.reconnects()).isEqualTo(both.reconnects());
    assertThat(merged.gatewayAttempts()).isEqualTo(both.gatewayAttempts());
    assertThat(merged.connections()).isEqualTo(8);
    assertThat(merged.latencyMicros()).isEqualTo(both.latencyMicros());
    long[] all = new long[fast.length + slow.length];
    System.arraycopy(fast, 0, all, 0, fast.length);
    System.arraycopy(slow, 0, all, fast.length, slow.length);
    Arrays.sort(all);
    for (double p : new double[] {50, 90, 99, 99.9}) {
      int rank = (int) Math.ceil(p / 100 * all.length) - 1;
      double reported = merged.latencyMillisAt(p) * 1000;
      // Three significant digits: within 0.1 % of the exact value at that rank, or at a
      // neighbouring one where floating point rounds the rank the other way.
      boolean near = false;
      for (int r = Math.max(0, rank - 1); r <= Math.min(all.length - 1, rank + 1); r++) {
        near |= Math.abs(reported - all[r]) <= all[r] * 0.001;
      }
      assertThat(near).as("p%s %.0f near %d", p, reported, all[rank]).isTrue();
    }
    assertThat(Files.readString(mergedHtml)).contains("cgiguard-exited-before-headers");
  }

  @Test
  void aFileThatIsNoReportIsRefusedInOneLine() throws Exception {
    Path bogus = dir.resolve("bogus.json");
    Files.writeString(bogus, "{\"requests\": 3}");
    StringWriter err = new StringWriter();
    int status = Main.execute(new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true), "load", "merge", bogus.toString());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("bogus.json").contains("latency_histogram");
  }

  @Test
  void aRealRunsReportsMergeAndItsHdrLogHoldsEveryLatency() throws Exception {
    Path json = dir.resolve("run.json");
    Path log = dir.resolve("run.hlog");
    try (RawServer server = new RawServer((out, in) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return true;
    })) {
      StringWriter err = new StringWriter();
      int status = Main.execute(new PrintWriter(new StringWriter(), true),
          new PrintWriter(err, true), "load", server.url(), "-c", "2", "-n", "300", "-q",
          "--json", json.toString(), "--hdr-log", log.toString());
      assertThat(status).as(err.toString()).isZero();
    }
    Histogram logged = (Histogram) new HistogramLogReader(log.toFile()).nextIntervalHistogram();
    LoadResult run = LoadMerge.read(json);
    assertThat(logged.getTotalCount()).isEqualTo(300).isEqualTo(run.requests());
    assertThat(logged.getValueAtPercentile(99)).isEqualTo(run.latencyMicros()
        .getValueAtPercentile(99));
    LoadResult twice = LoadMerge.merge(List.of(run, LoadMerge.read(json)));
    assertThat(twice.requests()).isEqualTo(600);
    assertThat(twice.latencyMillisAt(50)).isEqualTo(run.latencyMillisAt(50));
  }

  @Test
  void theHdrLogHoldsTheRunsHistogram() throws Exception {
    WorkerTally tally = new WorkerTally();
    for (int i = 1; i <= 1000; i++) {
      tally.record(0, i * 10L, ReplyClassifier.OK, 0);
    }
    LoadResult result = LoadResult.merge("http://x/", "closed", 1, 0, Duration.ofSeconds(1),
        List.of(tally));
    Path log = dir.resolve("run.hlog");
    HistogramCodec.writeLog(result, 1_700_000_000_000L, log);
    HistogramLogReader reader = new HistogramLogReader(log.toFile());
    Histogram read = (Histogram) reader.nextIntervalHistogram();
    assertThat(read).isNotNull();
    assertThat(read.getTotalCount()).isEqualTo(1000);
    assertThat(read.getValueAtPercentile(99)).isEqualTo(result.latencyMicros()
        .getValueAtPercentile(99));
    assertThat(reader.nextIntervalHistogram()).isNull();
    assertThat(Files.readString(log)).contains("#[StartTime: 1700000000");
  }
}
