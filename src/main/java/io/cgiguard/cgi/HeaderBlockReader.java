package io.cgiguard.cgi;

import java.util.Arrays;
import java.util.Objects;

/**
 * Reads a CGI script's stdout up to the blank line that ends its header block (RFC 3875 section
 * 6) and decides what the block is: {@link HeaderBlock.Complete}, {@link HeaderBlock.Malformed},
 * {@link HeaderBlock.TooLarge}, or, when stdout ends first, {@link HeaderBlock.Incomplete}.
 *
 * <p>Bytes are offered in whatever chunks the pipe delivers; the decision depends only on the
 * bytes, never on how they were split. End of stream is never taken for the blank line: a script
 * that dies mid-headers is {@code Incomplete}, the "Premature end of script headers" that this
 * gateway exists to catch.
 *
 * <p>Lines end in LF or CR LF, mixed freely. The reader copies only header bytes, at most
 * {@code maxHeaderBytes} of them, and allocates per line, not per byte. Not thread-safe: one
 * reader per attempt.
 */
public final class HeaderBlockReader {

  private static final int INITIAL_CAPACITY = 512;

  private final int maxHeaderBytes;
  private final boolean nph;
  private final ResponseFields fields;
  private byte[] block;
  private int count;
  private int lineStart;
  private int lineNumber;
  private HeaderBlock decision;

  /**
   * @param maxHeaderBytes the most bytes the header block may take, its blank line included
   * @param nph whether the script is a non-parsed-header script whose first line is an HTTP
   *     status line (RFC 3875 section 5)
   */
  public HeaderBlockReader(int maxHeaderBytes, boolean nph) {
    if (maxHeaderBytes < 1) {
      throw new IllegalArgumentException("maxHeaderBytes must be positive: " + maxHeaderBytes);
    }
    this.maxHeaderBytes = maxHeaderBytes;
    this.nph = nph;
    this.fields = new ResponseFields(nph);
    this.block = new byte[Math.min(INITIAL_CAPACITY, maxHeaderBytes)];
  }

  /**
   * Offers the next bytes of stdout.
   *
   * @return {@code null} while more bytes are needed, else the decision, which every later call
   *     returns again; a {@code Complete} carries the bytes of this chunk after the blank line as
   *     {@code bodyStart}
   */
  public HeaderBlock offer(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (decision != null) {
      return decision;
    }
    int end = off + len;
    int i = off;
    while (i < end) {
      int room = maxHeaderBytes - count;
      if (room == 0) {
        return decide(new HeaderBlock.TooLarge(maxHeaderBytes, received()));
      }
      int scanEnd = Math.min(end, i + room);
      int lf = indexOfLf(buf, i, scanEnd);
      int stop = lf < 0 ? scanEnd : lf + 1;
      append(buf, i, stop - i);
      i = stop;
      if (lf >= 0) {
        HeaderBlock lineDecision = endLine(buf, i, end);
        if (lineDecision != null) {
          return decide(lineDecision);
        }
      }
    }
    return null;
  }

  /**
   * Tells the reader that stdout ended.
   *
   * @return the decision already made, else {@code Malformed} when the unfinished last line
   *     already shows the block is broken, else {@code Incomplete}
   */
  public HeaderBlock endOfStream() {
    if (decision != null) {
      return decision;
    }
    if (count > lineStart) {
      String problem = partialLineProblem();
      if (problem != null) {
        return decide(new HeaderBlock.Malformed(problem, lineNumber + 1, received()));
      }
    }
    return decide(new HeaderBlock.Incomplete(received()));
  }

  /** @return the decision, or {@code null} while the block is undecided */
  public HeaderBlock decision() {
    return decision;
  }

  private String partialLineProblem() {
    int to = count;
    if (block[to - 1] == '\r') {
      to--; // the CR of a CR LF cut off by the end of the stream is not a bare CR
    }
    if (to == lineStart) {
      return null;
    }
    String problem = HeaderLine.byteProblem(block, lineStart, to);
    // Unlike a whole line, a cut-off first line without a colon may be a name cut short
    // ("Content-Ty"); it reads as a body only when no header could start that way.
    if (problem == null && lineNumber == 0 && !nph
        && HeaderLine.cannotStartField(block, lineStart, to)) {
      problem = bodyFirst(lineStart, to);
    }
    return problem;
  }

  private HeaderBlock endLine(byte[] buf, int bodyFrom, int bodyTo) {
    int lf = count - 1;
    int to = lf > lineStart && block[lf - 1] == '\r' ? lf - 1 : lf;
    int from = lineStart;
    lineStart = count;
    lineNumber++;
    if (to == from) {
      return blankLine(Arrays.copyOfRange(buf, bodyFrom, bodyTo));
    }
    String problem = lineProblem(from, to);
    return problem == null ? null : new HeaderBlock.Malformed(problem, lineNumber, received());
  }

  private String lineProblem(int from, int to) {
    String problem = HeaderLine.byteProblem(block, from, to);
    if (problem != null) {
      return problem;
    }
    if (lineNumber == 1 && nph) {
      StatusLine.Parsed parsed = StatusLine.parseNphLine(HeaderLine.latin1(block, from, to));
      if (parsed instanceof StatusLine.Invalid invalid) {
        return invalid.reason();
      }
      fields.statusLine(((StatusLine.Valid) parsed).line());
      return null;
    }
    if (lineNumber == 1 && HeaderLine.startsWith(block, from, to, "HTTP/")) {
      return "the script wrote an HTTP status line, which only an NPH script may do; a CGI"
          + " script sends \"Status:\" instead (first line: " + HeaderLine.show(block, from, to)
          + ")";
    }
    if (lineNumber == 1 && HeaderLine.looksLikeBody(block, from, to)) {
      return bodyFirst(from, to);
    }
    int colon = HeaderLine.colonIndex(block, from, to);
    if (colon < 0) {
      return "line without a colon: " + HeaderLine.show(block, from, to);
    }
    problem = HeaderLine.fieldProblem(block, from, colon, to);
    return problem != null ? problem : fields.add(HeaderLine.field(block, from, colon, to));
  }

  private String bodyFirst(int from, int to) {
    return "the script printed its body before any header (first line: "
        + HeaderLine.show(block, from, to) + ")";
  }

  private HeaderBlock blankLine(byte[] bodyStart) {
    if (lineNumber == 1) {
      String reason = nph ? "no status line before the blank line"
          : "no header fields before the blank line";
      return new HeaderBlock.Malformed(reason, 1, received());
    }
    return new HeaderBlock.Complete(fields.head(), received(), bodyStart);
  }

  private HeaderBlock decide(HeaderBlock value) {
    decision = value;
    block = null; // the decision holds its own copy; free the working buffer
    return value;
  }

  private byte[] received() {
    return Arrays.copyOf(block, count);
  }

  private void append(byte[] buf, int from, int len) {
    if (count + len > block.length) {
      int capacity = Math.max(count + len, Math.min(maxHeaderBytes, block.length * 2));
      block = Arrays.copyOf(block, capacity);
    }
    System.arraycopy(buf, from, block, count, len);
    count += len;
  }

  private static int indexOfLf(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
