package io.cgiguard.http;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Request ids for {@code X-Request-Id}: a random per-process prefix and a counter, short enough to
 * read out on the phone. A well-formed id sent by a trusted front proxy is kept, so that one id
 * follows a request through both logs.
 */
final class RequestIds {

  private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  // Per process, not per instance: each configuration a reload puts in place has its own
  // RequestIds, and its ids must neither repeat nor change their look.
  private static final String PREFIX =
      Long.toString(0x1000000L + new SecureRandom().nextInt(0xEFFFFFF), 36);
  private static final AtomicLong COUNTER = new AtomicLong();

  /** @return {@code offered} when it is a safe token, else a new id */
  String next(String offered) {
    if (offered != null && ACCEPTABLE.matcher(offered).matches()) {
      return offered;
    }
    return PREFIX + "-" + Long.toString(COUNTER.incrementAndGet(), 36);
  }
}
