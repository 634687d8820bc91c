package io.cgiguard.http;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small pool of direct buffers for relaying script output: read from the pipe and written to the
 * socket without a copy through the heap, and without allocating 128 KiB of garbage per request.
 */
final class DirectBuffers {

  static final int BUFFER_BYTES = 128 * 1024;

  private final ConcurrentLinkedDeque<ByteBuffer> free = new ConcurrentLinkedDeque<>();
  private final AtomicInteger pooled = new AtomicInteger();
  private final int maxPooled;

  DirectBuffers(int maxPooled) {
    this.maxPooled = maxPooled;
  }

  ByteBuffer take() {
    ByteBuffer buffer = free.pollFirst();
    if (buffer == null) {
      return ByteBuffer.allocateDirect(BUFFER_BYTES);
    }
    pooled.decrementAndGet();
    return buffer.clear();
  }

  /** Returns a buffer that no write refers to any more. */
  void give(ByteBuffer buffer) {
    if (pooled.incrementAndGet() <= maxPooled) {
      free.offerFirst(buffer);
    } else {
      pooled.decrementAndGet();
    }
  }
}
