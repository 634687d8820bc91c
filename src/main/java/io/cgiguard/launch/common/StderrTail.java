package io.cgiguard.launch.common;

/**
 * The last {@code capacity} bytes written to a script's stderr: a ring buffer, so that a script
 * that floods stderr costs a fixed amount of memory while its final words (usually the reason it
 * died) are kept for the diagnostic page.
 */
public final class StderrTail {
  private static final byte[] NONE = new byte[0];

  private final int capacity;
  /** Allocated on the first byte: most scripts write nothing to stderr. */
  private byte[] ring = NONE;
  private long written;

  public StderrTail(int capacity) {
    this.capacity = capacity;
  }

  /** Appends {@code length} bytes of {@code bytes} from {@code offset}, dropping the oldest. */
  public synchronized void append(byte[] bytes, int offset, int length) {
    if (capacity == 0 || length == 0) {
      return;
    }
    if (ring.length == 0) {
      ring = new byte[capacity];
    }
    // Only the last ring.length bytes of a large write can survive it.
    int skip = Math.max(0, length - ring.length);
    for (int i = offset + skip; i < offset + length; ) {
      int at = (int) (written % ring.length);
      int chunk = Math.min(ring.length - at, offset + length - i);
      System.arraycopy(bytes, i, ring, at, chunk);
      i += chunk;
      written += chunk;
    }
  }

  /** @return a copy of the kept bytes, oldest first */
  public synchronized byte[] snapshot() {
    int size = (int) Math.min(written, ring.length);
    byte[] copy = new byte[size];
    int start = (int) ((written - size) % Math.max(1, ring.length));
    int first = Math.min(size, ring.length - start);
    System.arraycopy(ring, start, copy, 0, first);
    System.arraycopy(ring, 0, copy, first, size - first);
    return copy;
  }
}
