package io.cgiguard.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The latency histogram outside the process: base64 of HdrHistogram's compressed encoding in the
 * JSON report (so that runs can be merged later with exact percentiles), and HdrHistogram's own
 * log format for its tools ({@code --hdr-log}).
 */
public final class HistogramCodec {

  /** How the JSON names the encoding, so that a reader can tell what it holds. */
  static final String ENCODING = "HdrHistogram-compressed-base64";

  private HistogramCodec() {}

  /** @return {@code histogram} compressed and base64-encoded */
  static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  /** @return the histogram {@link #encode} wrote; IllegalArgumentException if it is not one */
  static Histogram decode(String encoded) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(encoded));
      Histogram histogram = Histogram.decodeFromCompressedByteBuffer(buffer, 0);
      // Decoded histograms keep their own range; widen to the range every run records with.
      Histogram widened = new Histogram(WorkerTally.HIGHEST_MICROS, 3);
      widened.add(histogram);
      return widened;
    } catch (DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException("not an encoded latency histogram: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code result}'s histogram to {@code file} as one interval of an HdrHistogram log
   * (read it with {@code HistogramLogReader} or HdrHistogram's plotter); values are
   * microseconds.
   */
  public static void writeLog(LoadResult result, long startMillis, Path file) throws IOException {
    Histogram histogram = result.latencyMicros().copy();
    histogram.setStartTimeStamp(startMillis);
    histogram.setEndTimeStamp(startMillis + result.elapsed().toMillis());
    histogram.setTag("cgiguard-load");
    try (PrintStream out = new PrintStream(Files.newOutputStream(file), false,
        StandardCharsets.UTF_8)) {
      HistogramLogWriter writer = new HistogramLogWriter(out);
      writer.outputComment("cgiguard load " + result.target() + "; latency in microseconds");
      writer.outputLogFormatVersion();
      writer.outputStartTime(startMillis);
      writer.setBaseTime(startMillis);
      writer.outputLegend();
      // Max is printed in milliseconds: values are microseconds.
      // Interval times are seconds since the start time above, as HdrHistogram's own tools write.
      writer.outputIntervalHistogram(0.0, result.elapsed().toNanos() / 1e9, histogram, 1000.0);
      if (out.checkError()) {
        throw new IOException("cannot write " + file);
      }
    }
  }
}
